#!/usr/bin/env node
'use strict';

// Checks the iPhone app's string catalogs against its Swift, since nothing here
// compiles them (Xcode would only warn at run time with the key shown as text):
// - Localizable.xcstrings has sourceLanguage zh-Hans and, for every key, a zh-Hans
//   and an en value with the same placeholders;
// - every key the Swift uses (a "section.name" literal) is in it, and every key in
//   it is used;
// - a key with placeholders is only used through tr(...), which fills them;
// - InfoPlist.xcstrings localizes exactly the Info.plist texts of project.yml, and
//   its zh-Hans values equal them.
//
//   node ios/check-strings.js          (exit 1 on any problem)

const fs = require('node:fs');
const path = require('node:path');

const HERE = __dirname;
const APP = path.join(HERE, 'Laowu');
const problems = [];

function readCatalog(file) {
  const catalog = JSON.parse(fs.readFileSync(path.join(APP, file), 'utf8'));
  if (catalog.sourceLanguage !== 'zh-Hans') problems.push(`${file}: sourceLanguage is not zh-Hans`);
  const values = new Map();
  for (const [key, entry] of Object.entries(catalog.strings ?? {})) {
    const value = (lang) => entry.localizations?.[lang]?.stringUnit?.value;
    const zh = value('zh-Hans');
    const en = value('en');
    if (!zh || !en) {
      problems.push(`${file}: "${key}" lacks a zh-Hans or an en value`);
      continue;
    }
    if (placeholders(zh) !== placeholders(en)) {
      problems.push(`${file}: "${key}" has placeholders ${placeholders(zh) || 'none'} in zh-Hans but ${placeholders(en) || 'none'} in en`);
    }
    values.set(key, { zh, en });
  }
  return values;
}

// The placeholders of a value, position-independent: "%1$@ %2$@" and "%@ %@" differ.
function placeholders(text) {
  return (text.match(/%(\d+\$)?[@dls]/g) ?? []).sort().join(' ');
}

function swiftFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return swiftFiles(full);
    return entry.name.endsWith('.swift') ? [full] : [];
  });
}

const strings = readCatalog('Localizable.xcstrings');

// Keys are "section.snake_case". SF Symbol names look alike: literals after
// systemName: or systemImage: on their line are skipped.
const LITERAL = /(\btr\(\s*)?"([a-z]+\.[a-z_]+)"/g;
const used = new Set();
for (const file of swiftFiles(APP)) {
  const source = fs.readFileSync(file, 'utf8');
  for (const match of source.matchAll(LITERAL)) {
    const [, before = '', key] = match;
    const lineStart = source.lastIndexOf('\n', match.index) + 1;
    if (/system(Name|Image):/.test(source.slice(lineStart, match.index))) continue;
    used.add(key);
    const where = `${path.relative(HERE, file)}:${source.slice(0, match.index).split('\n').length}`;
    const entry = strings.get(key);
    if (!entry) {
      problems.push(`${where}: "${key}" is not in Localizable.xcstrings`);
    } else if (placeholders(entry.zh) && !before.startsWith('tr')) {
      problems.push(`${where}: "${key}" has placeholders but is not used through tr(...)`);
    }
  }
}
for (const key of strings.keys()) {
  if (!used.has(key)) problems.push(`Localizable.xcstrings: "${key}" is not used by any Swift file`);
}

// The Info.plist texts in project.yml: `Key: text` lines under info.properties.
const spec = fs.readFileSync(path.join(HERE, 'project.yml'), 'utf8');
const plistTexts = new Map();
for (const [, key, text] of spec.matchAll(/^\s+(CFBundleDisplayName|NS\w+UsageDescription|CheckIn): (.+)$/gm)) {
  plistTexts.set(key, text.trim());
}
const infoStrings = readCatalog('InfoPlist.xcstrings');
for (const [key, text] of plistTexts) {
  const entry = infoStrings.get(key);
  if (!entry) problems.push(`InfoPlist.xcstrings: no "${key}" (project.yml sets it)`);
  else if (entry.zh !== text) problems.push(`InfoPlist.xcstrings: "${key}" in zh-Hans differs from project.yml`);
}
for (const key of infoStrings.keys()) {
  if (!plistTexts.has(key)) problems.push(`InfoPlist.xcstrings: "${key}" is not an Info.plist text in project.yml`);
}

for (const problem of problems) console.log(problem);
console.log(
  `check-strings: ${strings.size} keys in Localizable.xcstrings, ${used.size} used by the Swift, ` +
    `${infoStrings.size} Info.plist texts: ${problems.length} problem${problems.length === 1 ? '' : 's'}`,
);
process.exit(problems.length === 0 ? 0 : 1);
