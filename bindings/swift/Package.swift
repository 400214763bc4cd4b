// swift-tools-version:5.9
//
// The Swift face of laowu-ffi. Three targets:
// - LaowuRust: the Rust static library (liblaowu_ffi.a) for every Apple platform,
//   packed as LaowuRust.xcframework by build-xcframework.sh (needs a Mac);
// - LaowuFFI: a C target holding the generated header and module map, so that
//   `import LaowuFFI` sees the C declarations of the Rust functions;
// - Laowu: the generated Swift API that apps import.
// The generated files come from scripts/gen-swift.sh; see README.md.
import PackageDescription

let package = Package(
    name: "Laowu",
    platforms: [
        .iOS(.v15),
        .macOS(.v12),
    ],
    products: [
        .library(name: "Laowu", targets: ["Laowu"]),
    ],
    targets: [
        .binaryTarget(
            name: "LaowuRust",
            path: "LaowuRust.xcframework"
        ),
        .target(
            name: "LaowuFFI",
            path: "Sources/LaowuFFI",
            publicHeadersPath: "include"
        ),
        .target(
            name: "Laowu",
            dependencies: ["LaowuFFI", "LaowuRust"],
            path: "Sources/Laowu"
        ),
    ]
)
