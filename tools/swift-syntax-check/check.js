#!/usr/bin/env node
'use strict';

// Parses Swift sources with tree-sitter-swift and reports every syntax error.
//
//   node check.js [--quiet] [--raw] PATH...
//
// A PATH that is a directory is walked for *.swift files (node_modules, .build,
// target and .git are skipped); a PATH that is a file is checked whatever its
// name. Exit status: 0 when every file parses cleanly, 1 when any file has a
// syntax error, 2 on a usage problem (no Swift file at all, a path that does
// not exist, an unreadable file, the parser failing to load).

const fs = require('node:fs');
const path = require('node:path');

const SKIPPED_DIRS = new Set(['node_modules', '.build', 'target', '.git']);
const EXCERPT_WIDTH = 100;

let parser = null;

function getParser() {
  if (parser === null) {
    const Parser = require('tree-sitter');
    const Swift = require('tree-sitter-swift');
    parser = new Parser();
    parser.setLanguage(Swift);
  }
  return parser;
}

class UsageError extends Error {}

// Expands the given paths into a sorted, de-duplicated list of files.
function collectSwiftFiles(paths) {
  const files = new Set();
  const walk = (dir) => {
    const entries = fs.readdirSync(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(full);
      } else if (entry.name.endsWith('.swift')) {
        // Symlinks and other non-directories are checked if they end in .swift.
        files.add(full);
      }
    }
  };
  for (const p of paths) {
    let stat;
    try {
      stat = fs.statSync(p);
    } catch (err) {
      throw new UsageError(`${p}: no such file or directory`);
    }
    if (stat.isDirectory()) walk(p);
    else files.add(p);
  }
  return [...files];
}

function lineText(lines, row) {
  const text = (lines[row] ?? '').replace(/\t/g, ' ').trimEnd();
  return text.length > EXCERPT_WIDTH ? `${text.slice(0, EXCERPT_WIDTH - 3)}...` : text;
}

function snippet(text) {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}

// Conditional-compilation directive lines: `#if COND`, `#elseif COND`, `#else`, `#endif`.
const DIRECTIVE_LINE = /^[ \t]*#(if|elseif|else|endif)\b[^\n]*/gm;
// `nonisolated(unsafe)` / `nonisolated(nonsending)` (Swift 5.10 / 6.2 modifiers).
const NONISOLATED_ARGUMENT = /\bnonisolated\((?:unsafe|nonsending)\)/g;
// The empty tuple `()` as a whole expression: after `{`, `=`, `return`, `in` or `;`,
// and followed by the end of the statement (`}`, `;`, a comment or the end of the line).
const EMPTY_TUPLE_EXPRESSION =
  /(\{|(?<![=!<>+\-*/%&|^~.?:])=(?!=)|\breturn\b|\bin\b|;)(\s*)\(\)(?=[ \t]*(?:[;}]|\/\/|\/\*|\r?$))/gm;

const blank = (text) => text.replace(/[^\r\n]/g, ' ');

// tree-sitter-swift 0.7.1 rejects some valid Swift that matters here (see
// README.md): conditional-compilation directives inside type bodies and
// between attributes and their declaration (uniffi writes
// `#if swift(>=5.8) @_documentation(visibility: private) #endif` before most
// declarations), `nonisolated(unsafe)`, and the empty tuple expression `()`
// (uniffi's `let writeReturn = { () }`). This rewrites exactly those into
// text the grammar accepts, of the same length and line structure, so
// reported lines and columns still point into the original source:
// - directive lines become blank (the grammar up to 0.6.0 treated them as
//   whitespace too); the parser then sees every branch, each of which Swift
//   requires to be well-formed on its own. Their nesting is checked here.
// - `nonisolated(unsafe)` becomes `nonisolated` and spaces;
// - `()` in those expression positions becomes `0 `.
// Returns { text, errors } where errors are unbalanced directives.
function normalise(source) {
  const errors = [];
  const open = [];
  let text = source.replace(DIRECTIVE_LINE, (line, keyword, offset) => {
    const row = countNewlines(source, offset);
    const column = line.length - line.trimStart().length;
    if (keyword === 'if') open.push({ row, column, sawElse: false });
    else if (open.length === 0) errors.push({ row, column, message: `\`#${keyword}\` without a matching \`#if\`` });
    else if (keyword === 'endif') open.pop();
    else if (open[open.length - 1].sawElse) errors.push({ row, column, message: `\`#${keyword}\` after \`#else\`` });
    else if (keyword === 'else') open[open.length - 1].sawElse = true;
    return blank(line);
  });
  for (const unclosed of open) errors.push({ ...unclosed, message: '`#if` without a matching `#endif`' });
  text = text.replace(NONISOLATED_ARGUMENT, (match) => `nonisolated${' '.repeat(match.length - 'nonisolated'.length)}`);
  text = text.replace(EMPTY_TUPLE_EXPRESSION, (match, before, space, offset) => {
    const lineStart = text.lastIndexOf('\n', offset) + 1;
    // `typealias Unit = ()` names the type, not the value.
    if (/^\s*(?:(?:public|internal|fileprivate|private|package)\s+)?typealias\b/.test(text.slice(lineStart, offset))) return match;
    return `${before}${space}0 `;
  });
  if (text.length !== source.length) throw new Error('internal error: normalisation changed the source length');
  return { text, errors };
}

function countNewlines(text, end) {
  let count = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) count += 1;
  return count;
}

// Returns the syntax errors of one Swift source as
// [{ line, column, kind: 'ERROR' | 'MISSING' | 'DIRECTIVE', message, excerpt }], lines and
// columns counted from 1 (columns in UTF-16 code units, as editors mostly do).
// With { raw: true } the source goes to the grammar unchanged (see normalise).
function checkSource(source, { raw = false } = {}) {
  if (source.charCodeAt(0) === 0xfeff) source = source.slice(1);
  const lines = source.split(/\r\n|\r|\n/);
  const errors = [];
  const seen = new Set();
  const push = (row, column, kind, message) => {
    const key = `${row}:${column}:${kind}`;
    if (seen.has(key)) return;
    seen.add(key);
    errors.push({ line: row + 1, column: column + 1, kind, message, excerpt: lineText(lines, row) });
  };
  const add = (node, kind, message) => push(node.startPosition.row, node.startPosition.column, kind, message);

  let text = source;
  if (!raw) {
    const normalised = normalise(source);
    text = normalised.text;
    for (const e of normalised.errors) push(e.row, e.column, 'DIRECTIVE', e.message);
  }
  // The callback form reads the source in chunks, which has no size limit.
  const tree = getParser().parse((index) => text.slice(index, index + 64 * 1024));
  const root = tree.rootNode;
  if (!root.hasError) {
    errors.sort((a, b) => a.line - b.line || a.column - b.column);
    return errors;
  }

  const visit = (node) => {
    if (node.type === 'ERROR') {
      // Errors nested inside an ERROR node only repeat it.
      const excerpt = snippet(source.slice(node.startIndex, node.endIndex));
      const end = node.endPosition;
      const span = end.row > node.startPosition.row ? ` (through ${end.row + 1}:${end.column + 1})` : '';
      add(node, 'ERROR', (excerpt ? `unexpected \`${excerpt}\`` : 'unexpected input') + span);
      return;
    }
    if (node.isMissing) {
      add(node, 'MISSING', `missing \`${node.type}\``);
      return;
    }
    let childHasError = false;
    for (const child of node.children) {
      if (child.hasError || child.isMissing) {
        childHasError = true;
        visit(child);
      }
    }
    if (!childHasError) {
      // The error is in a hidden token that the node API does not expose as a
      // child (e.g. the identifier tree-sitter inserts for `let = 5`); the
      // S-expression still names it.
      const match = /\(MISSING "?([^")\s]+)/.exec(node.toString());
      const what = match ? match[1].replace(/_token\d+$/, '') : node.type;
      add(node, 'MISSING', `missing \`${what}\``);
    }
  };
  visit(root);
  errors.sort((a, b) => a.line - b.line || a.column - b.column);
  return errors;
}

function checkFile(file, options) {
  let source;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`${file}: cannot read: ${err.message}`);
  }
  return checkSource(source, options);
}

function main(argv) {
  const args = [];
  let quiet = false;
  let raw = false;
  let endOfOptions = false;
  for (const arg of argv) {
    if (!endOfOptions && arg === '--') endOfOptions = true;
    else if (!endOfOptions && (arg === '-q' || arg === '--quiet')) quiet = true;
    else if (!endOfOptions && arg === '--raw') raw = true;
    else if (!endOfOptions && (arg === '-h' || arg === '--help')) {
      process.stdout.write(
        'usage: check.js [--quiet] [--raw] FILE_OR_DIR...\n' +
          '  --quiet  do not list the files that parse cleanly\n' +
          '  --raw    parse without the workarounds for grammar gaps (see README.md)\n',
      );
      return 0;
    } else if (!endOfOptions && arg.startsWith('-') && arg !== '-') {
      process.stderr.write(`swift-syntax-check: unknown option ${arg}\n`);
      return 2;
    } else args.push(arg);
  }

  try {
    const files = collectSwiftFiles(args);
    if (files.length === 0) {
      const where = args.length === 0 ? 'no paths were given' : `none under ${args.join(' ')}`;
      process.stderr.write(`swift-syntax-check: no Swift files to check (${where}); refusing to pass\n`);
      return 2;
    }

    let failed = 0;
    let errorCount = 0;
    for (const file of files) {
      const errors = checkFile(file, { raw });
      if (errors.length > 0) {
        failed += 1;
        errorCount += errors.length;
        for (const e of errors) {
          process.stdout.write(`${file}:${e.line}:${e.column}: syntax error: ${e.message}\n`);
          process.stdout.write(`    ${e.excerpt}\n`);
        }
      } else if (!quiet) {
        process.stdout.write(`ok ${file}\n`);
      }
    }

    const noun = files.length === 1 ? 'file' : 'files';
    process.stdout.write(
      `swift-syntax-check: checked ${files.length} Swift ${noun}, ${errorCount} syntax error${errorCount === 1 ? '' : 's'}\n`,
    );
    process.stdout.write(`swift-syntax-check: ${files.length - failed} passed, ${failed} failed\n`);
    return failed > 0 ? 1 : 0;
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`swift-syntax-check: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

module.exports = { checkSource, checkFile, collectSwiftFiles, normalise };

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`swift-syntax-check: ${err && err.stack ? err.stack : err}\n`);
    process.exitCode = 2;
  }
}
