pluginManagement {
    repositories {
        // Google's repository serves only Android and Google artifacts; asking it for
        // nothing else keeps plugin resolution fast and unambiguous.
        google {
            content {
                includeGroupByRegex("com\\.android.*")
                includeGroupByRegex("com\\.google.*")
                includeGroupByRegex("androidx.*")
            }
        }
        mavenCentral()
        gradlePluginPortal()
    }
}

dependencyResolutionManagement {
    // Every module takes its dependencies from these repositories only.
    repositoriesMode.set(RepositoriesMode.FAIL_ON_PROJECT_REPOS)
    repositories {
        google()
        mavenCentral()
    }
}

rootProject.name = "laowu-android"

include(":app", ":bindings")
