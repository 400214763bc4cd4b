'use strict';

const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const { checkSource, collectSwiftFiles, normalise } = require('../check.js');

const CHECK = path.join(__dirname, '..', 'check.js');
const VALID = path.join(__dirname, 'fixtures', 'valid');
const INVALID = path.join(__dirname, 'fixtures', 'invalid');

function run(...args) {
  const result = spawnSync(process.execPath, [CHECK, ...args], { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function tempDir(t) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'swift-syntax-check-'));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// The line the first error of each invalid fixture is reported on.
const INVALID_FIXTURES = {
  'unbalanced-braces.swift.bad': 1, // the unclosed struct swallows the whole file
  'func-without-name.swift.bad': 4,
  'let-without-name.swift.bad': 3,
  'extra-brace.swift.bad': 5,
  'unclosed-paren.swift.bad': 3,
  'unclosed-if.swift.bad': 3,
};

const validFixtures = fs.readdirSync(VALID).filter((f) => f.endsWith('.swift'));

test('there are valid fixtures and none of the invalid ones ends in .swift', () => {
  assert.ok(validFixtures.length >= 4, `only ${validFixtures.length} valid fixtures`);
  const invalid = fs.readdirSync(INVALID);
  assert.deepEqual(invalid.sort(), Object.keys(INVALID_FIXTURES).sort());
  for (const f of invalid) assert.ok(!f.endsWith('.swift'), `${f} would trip the repository-wide check`);
});

for (const fixture of validFixtures) {
  test(`valid fixture ${fixture} passes`, () => {
    const r = run(path.join(VALID, fixture));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /checked 1 Swift file, 0 syntax errors/);
    assert.match(r.stdout, /^swift-syntax-check: 1 passed, 0 failed$/m);
  });
}

for (const [fixture, line] of Object.entries(INVALID_FIXTURES)) {
  test(`invalid fixture ${fixture} fails at line ${line}`, () => {
    const file = path.join(INVALID, fixture);
    const r = run(file);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const locations = [...r.stdout.matchAll(/^(.+):(\d+):(\d+): syntax error: (.+)$/gm)];
    assert.ok(locations.length > 0, `no error location in:\n${r.stdout}`);
    assert.equal(locations[0][1], file);
    assert.equal(Number(locations[0][2]), line, r.stdout);
    assert.ok(Number(locations[0][3]) >= 1);
    // Each error is followed by an excerpt of the offending line.
    assert.match(r.stdout, /syntax error: .+\n {4}\S/);
    assert.match(r.stdout, /^swift-syntax-check: 0 passed, 1 failed$/m);
  });
}

test('a directory is walked for *.swift only, skipping node_modules, .build and target', (t) => {
  const dir = tempDir(t);
  const write = (rel, text) => {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  };
  write('Sources/App/main.swift', 'print("hi")\n');
  write('Sources/App/Model.swift', 'struct Model { var x = 1 }\n');
  write('Sources/App/notes.txt', 'func (\n');
  write('Sources/App/broken.swift.bad', 'func (\n');
  write('node_modules/pkg/Bad.swift', 'func (\n');
  write('.build/checkouts/Bad.swift', 'func (\n');
  write('rust/target/Bad.swift', 'func (\n');

  const files = collectSwiftFiles([dir]).map((f) => path.relative(dir, f));
  assert.deepEqual(files, [path.join('Sources', 'App', 'Model.swift'), path.join('Sources', 'App', 'main.swift')]);

  const r = run(dir);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /checked 2 Swift files, 0 syntax errors/);

  write('Sources/App/Later.swift', 'let = 5\n');
  const bad = run('--quiet', dir);
  assert.equal(bad.code, 1);
  assert.match(bad.stdout, /Later\.swift:1:4: syntax error/);
  assert.doesNotMatch(bad.stdout, /^ok /m);
  assert.match(bad.stdout, /checked 3 Swift files, 1 syntax error\n/);
});

test('all errors in a file are reported, not just the first', () => {
  const errors = checkSource('let a = 1\nlet = 5\nstruct S {}\n}\n');
  assert.deepEqual(
    errors.map((e) => [e.line, e.kind]),
    [
      [2, 'MISSING'],
      [4, 'ERROR'],
    ],
  );
  assert.equal(errors[1].excerpt, '}');
});

test('columns count characters, also after non-ASCII text', () => {
  const [ascii] = checkSource('let s = "ab" + ) 3\n');
  const [chinese] = checkSource('let s = "工人" + ) 3\n');
  assert.equal(ascii.column, 16);
  assert.deepEqual([chinese.line, chinese.column], [1, 16]);
});

test('large files parse (no 32 KiB input limit)', () => {
  let source = '';
  for (let i = 0; i < 4000; i += 1) source += `let value${i} = "第${i}行"\n`;
  assert.ok(source.length > 64 * 1024);
  assert.deepEqual(checkSource(source), []);
  assert.equal(checkSource(`${source}let = 5\n`)[0].line, 4001);
});

test('zero Swift files is a failure, not a pass', (t) => {
  const empty = tempDir(t);
  fs.writeFileSync(path.join(empty, 'README.md'), '# nothing here\n');
  const r = run(empty);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no Swift files/);

  const none = run();
  assert.equal(none.code, 2);
  assert.match(none.stderr, /no Swift files/);
});

test('a path that does not exist is a failure', () => {
  const r = run(path.join(VALID, 'does-not-exist.swift'));
  assert.equal(r.code, 2);
  assert.match(r.stderr, /no such file or directory/);
});

test('uniffi constructs that the grammar lacks pass, and fail without the workarounds', () => {
  const file = path.join(VALID, 'uniffi_patterns.swift');
  assert.equal(run(file).code, 0);
  // If this starts passing, a newer grammar handles them: the workarounds in
  // normalise() can then go (see README.md).
  const raw = run('--raw', file);
  assert.equal(raw.code, 1, raw.stdout);
});

test('normalise keeps length and line structure and blanks only what it must', () => {
  const source = [
    'struct S {',
    '#if swift(>=5.8)',
    '    @_documentation(visibility: private)',
    '#endif // swift 5.8',
    '    nonisolated(unsafe) static var p = 0',
    '    let f = { () }',
    '    let g = { () in print("()") }',
    '    func h() -> () { return () }',
    '}',
    'typealias Unit = ()',
  ].join('\r\n');
  const { text, errors } = normalise(source);
  assert.equal(text.length, source.length);
  assert.deepEqual(errors, []);
  const lines = text.split('\r\n');
  assert.equal(lines.length, 10);
  assert.equal(lines[1].trim(), '');
  assert.equal(lines[3].trim(), '');
  assert.equal(lines[2], '    @_documentation(visibility: private)');
  assert.equal(lines[4], '    nonisolated         static var p = 0');
  assert.equal(lines[5], '    let f = { 0  }');
  assert.equal(lines[6], '    let g = { () in print("()") }');
  assert.equal(lines[7], '    func h() -> () { return 0  }');
  assert.equal(lines[9], 'typealias Unit = ()');
  assert.deepEqual(checkSource(source), []);
});

test('conditional-compilation directives must balance', () => {
  const kinds = (source) => checkSource(source).map((e) => [e.line, e.kind, e.message]);
  assert.deepEqual(kinds('#if A\nlet a = 1\n#elseif B\nlet a = 2\n#else\nlet a = 3\n#endif\n'), []);
  assert.deepEqual(kinds('#if A\nlet a = 1\n'), [[1, 'DIRECTIVE', '`#if` without a matching `#endif`']]);
  assert.deepEqual(kinds('let a = 1\n  #endif\n'), [[2, 'DIRECTIVE', '`#endif` without a matching `#if`']]);
  assert.deepEqual(kinds('#if A\n#else\n#elseif B\n#endif\n'), [[3, 'DIRECTIVE', '`#elseif` after `#else`']]);
});

test('directives inside type bodies and around attributes are accepted', () => {
  assert.deepEqual(checkSource('enum E {\n    case a\n    #if os(iOS)\n    case b\n    #endif\n}\n'), []);
  assert.deepEqual(checkSource('protocol P {\n  #if DEBUG\n  func f()\n  #endif\n}\n'), []);
  assert.deepEqual(checkSource('#if swift(>=5.8)\n@available(*, deprecated)\n#endif\npublic func f() {}\n'), []);
});
