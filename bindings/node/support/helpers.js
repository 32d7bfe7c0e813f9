'use strict'
// Helpers shared by the server tests: listening on 127.0.0.1, raw HTTP requests (for
// targets and headers that HTTP clients normalise away), a self-signed certificate.
const net = require('node:net')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { execFileSync } = require('node:child_process')

/** Starts `server` (an http.Server or https.Server) on 127.0.0.1; resolves to its port. */
function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve(server.address().port))
  })
}

function close(server) {
  return new Promise((resolve) => {
    if (typeof server.closeAllConnections === 'function') server.closeAllConnections()
    server.close(() => resolve())
  })
}

/**
 * Sends `text` (a whole HTTP/1.1 request, CRLF line ends) to 127.0.0.1:port and parses the
 * response: `{status, headers: [[name, value]], header(name), headerAll(name), body}`.
 */
function raw(port, text) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    const chunks = []
    socket.setTimeout(5000, () => socket.destroy(new Error('raw request timed out')))
    socket.on('data', (c) => chunks.push(c))
    socket.on('error', reject)
    socket.on('end', () => {
      const data = Buffer.concat(chunks).toString('latin1')
      const split = data.indexOf('\r\n\r\n')
      const head = split === -1 ? data : data.slice(0, split)
      const lines = head.split('\r\n')
      const status = Number(lines[0].split(' ')[1])
      const headers = lines.slice(1).map((l) => {
        const i = l.indexOf(':')
        return [l.slice(0, i).toLowerCase(), l.slice(i + 1).trim()]
      })
      const headerAll = (name) => headers.filter(([n]) => n === name.toLowerCase()).map(([, v]) => v)
      resolve({
        status,
        headers,
        headerAll,
        header: (name) => headerAll(name)[0],
        body: split === -1 ? '' : data.slice(split + 4),
      })
    })
    socket.write(text.includes('Connection:') ? text : text.replace('\r\n\r\n', '\r\nConnection: close\r\n\r\n'))
  })
}

/** A throw-away self-signed certificate for 127.0.0.1 / localhost, made with openssl. */
function selfSignedCert() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-tls-'))
  const key = path.join(dir, 'key.pem')
  const cert = path.join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '1',
      '-keyout', key, '-out', cert, '-subj', '/CN=localhost',
      '-addext', 'subjectAltName=DNS:localhost,DNS:example.com,IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  )
  const out = { key: fs.readFileSync(key), cert: fs.readFileSync(cert) }
  fs.rmSync(dir, { recursive: true, force: true })
  return out
}

/** Runs `fn` and returns the error it throws (fails when it does not throw). */
function thrown(fn) {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error('expected an exception')
}

module.exports = { listen, close, raw, selfSignedCert, thrown }
