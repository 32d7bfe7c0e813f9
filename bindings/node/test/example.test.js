'use strict'
// examples/express/app.js, run as a user would run it (scripts/test-node.sh installs its
// dependencies first), answering a few requests on 127.0.0.1.
const { test } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { spawn } = require('node:child_process')
const { raw } = require('../support/helpers')

const EXAMPLE = path.join(__dirname, '..', '..', '..', 'examples', 'express')
const installed = fs.existsSync(path.join(EXAMPLE, 'node_modules', 'express'))

test('examples/express/app.js', { skip: installed ? false : 'run `npm install` in examples/express first' }, async () => {
  const child = spawn(process.execPath, ['app.js'], { cwd: EXAMPLE, env: { ...process.env, PORT: '0' } })
  try {
    const port = await new Promise((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`no "listening" line: ${out}`)), 10000)
      child.stdout.on('data', (c) => {
        out += c
        const m = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out)
        if (m) {
          clearTimeout(timer)
          resolve(Number(m[1]))
        }
      })
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${out}`)))
    })
    let r = await raw(port, 'GET /page?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n')
    assert.equal(r.status, 301)
    assert.equal(r.header('location'), 'https://example.com/page?x=1')
    r = await raw(port, 'POST /form HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 0\r\n\r\n')
    assert.equal(r.status, 308)
    r = await raw(port, 'GET / HTTP/1.1\r\nHost: evil.example\r\n\r\n')
    assert.equal(r.status, 400)
    r = await raw(port, 'GET / HTTP/1.1\r\nHost: example.com\r\nX-Forwarded-Proto: https\r\n\r\n')
    assert.equal(r.status, 200)
    assert.equal(r.header('strict-transport-security'), 'max-age=63072000; includeSubDomains; preload')
    assert.deepEqual(r.headerAll('set-cookie'), ['sessionid=demo; Path=/; Secure; HttpOnly; SameSite=Lax'])
    assert.match(r.body, /hello over HTTPS/)
    r = await raw(port, 'GET /healthz HTTP/1.1\r\nHost: example.com\r\n\r\n')
    assert.equal(r.status, 200)
  } finally {
    child.kill('SIGTERM')
  }
})
