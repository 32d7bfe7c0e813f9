'use strict'
// A TLS test lab on 127.0.0.1 for the client-side tests (hstsguard/fetch, scan): a test
// CA and certificates made by openssl for this run, a plain HTTP listener that counts its
// connections, and TLS listeners (one with a certificate from the test CA, one with a
// self-signed certificate).
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const http = require('node:http')
const https = require('node:https')
const { execFileSync } = require('node:child_process')
const { listen, close } = require('./helpers')

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] })
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/**
 * Makes a test CA and a leaf certificate for `names` signed by it, plus a self-signed
 * certificate for the same names. Returns PEM buffers and the directory (with ca.pem).
 */
function makeCa(names) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hstsguard-lab-'))
  openssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=hstsguard test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir)
  const san = names.map((n) => `DNS:${n}`).join(',')
  fs.writeFileSync(path.join(dir, 'leaf.ext'),
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=${san}\n`)
  openssl(['req', ...EC, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', `/CN=${names[0]}`], dir)
  openssl(['x509', '-req', '-in', 'leaf.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
    '-out', 'leaf.pem', '-days', '2', '-extfile', 'leaf.ext'], dir)
  openssl(['req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.pem', '-days', '2', '-subj', `/CN=${names[0]}`,
    '-addext', `subjectAltName=${san}`], dir)
  const read = (f) => fs.readFileSync(path.join(dir, f))
  return {
    dir,
    caFile: path.join(dir, 'ca.pem'),
    ca: read('ca.pem'),
    key: read('leaf.key'),
    cert: read('leaf.pem'),
    selfKey: read('self.key'),
    selfCert: read('self.pem'),
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * The lab's request handler: `/sts?v=VALUE` answers with that Strict-Transport-Security
 * value, `/redirect?to=URL` with a 302 to URL; every answer's body is
 * `<label> <host> <path>`, so a test sees which listener served it.
 */
function handler(label, log) {
  return (req, res) => {
    log.push({ host: req.headers.host, url: req.url })
    const u = new URL(req.url, 'http://x')
    if (u.pathname === '/sts') res.setHeader('Strict-Transport-Security', u.searchParams.get('v') || 'max-age=600')
    if (u.pathname === '/redirect') {
      res.statusCode = 302
      res.setHeader('Location', u.searchParams.get('to'))
    }
    res.end(`${label} ${req.headers.host} ${u.pathname}`)
  }
}

/** Starts the lab's listeners; `stop()` closes them. */
async function startLab(names) {
  const pki = makeCa(names)
  const lab = { pki, plainLog: [], tlsLog: [], badLog: [], plainConnections: 0 }
  lab.plain = http.createServer(handler('plain', lab.plainLog))
  lab.plain.on('connection', () => {
    lab.plainConnections += 1
  })
  lab.tls = https.createServer({ key: pki.key, cert: pki.cert }, handler('tls', lab.tlsLog))
  lab.bad = https.createServer({ key: pki.selfKey, cert: pki.selfCert }, handler('bad', lab.badLog))
  lab.plainPort = await listen(lab.plain)
  lab.tlsPort = await listen(lab.tls)
  lab.badPort = await listen(lab.bad)
  lab.stop = async () => {
    await Promise.all([close(lab.plain), close(lab.tls), close(lab.bad)])
    pki.remove()
  }
  return lab
}

/** A `lookup` for net/tls.connect that resolves every name to 127.0.0.1. */
function loopbackLookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options
    options = {}
  }
  if (options && options.all) callback(null, [{ address: '127.0.0.1', family: 4 }])
  else callback(null, '127.0.0.1', 4)
}

module.exports = { makeCa, startLab, loopbackLookup }
