'use strict'
// The published TypeScript types (index.d.ts, generated from the Rust doc comments, and
// express.d.ts) compile against a program that uses the API as the tests do.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

test('index.d.ts and express.d.ts type-check (tsc --noEmit, strict)', () => {
  const tsc = require.resolve('typescript/bin/tsc')
  const r = spawnSync(process.execPath, [tsc, '-p', path.join(__dirname, 'types', 'tsconfig.json')], { encoding: 'utf8' })
  assert.equal(r.status, 0, `tsc failed:\n${r.stdout}${r.stderr}`)
})
