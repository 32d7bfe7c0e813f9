'use strict'
// An Express app behind hstsguard, using the same policy file as every other stack
// (examples/policy.toml: HSTS two years with preload, 127.0.0.1 trusted as the reverse
// proxy, redirects only to example.com and its subdomains, /healthz exempt, every cookie
// Secure and the session cookie HttpOnly + SameSite=Lax).
//
//   npm install && node app.js            # listens on 127.0.0.1:3000 (PORT to change)
//   TLS_CERT=cert.pem TLS_KEY=key.pem node app.js   # also HTTPS on 127.0.0.1:3443 (HTTPS_PORT)
//   npm test                              # test/app.test.js: starts this app, real requests
//
//   curl -i -H 'Host: example.com' http://127.0.0.1:3000/page?x=1
//       -> 301 Location: https://example.com/page?x=1
//   curl -i -X POST -H 'Host: www.example.com' http://127.0.0.1:3000/form
//       -> 308 (the method and body are kept)
//   curl -i -H 'Host: evil.example' http://127.0.0.1:3000/
//       -> 400, never a redirect to evil.example
//   curl -i -H 'Host: example.com' -H 'X-Forwarded-Proto: https' http://127.0.0.1:3000/
//       -> 200 with Strict-Transport-Security and a flagged session cookie
//          (127.0.0.1 is a trusted proxy in the policy, so its header is believed)
//   curl -i -H 'Host: example.com' http://127.0.0.1:3000/healthz
//       -> 200 (exempt)
//   curl -i --cacert cert.pem --resolve example.com:3443:127.0.0.1 https://example.com:3443/
//       -> 200 with Strict-Transport-Security and a flagged session cookie (TLS itself)
const fs = require('node:fs')
const https = require('node:https')
const path = require('node:path')
const express = require('express')
const { hstsguard, isSecure } = require('hstsguard/express')

const policyFile = process.env.HSTSGUARD_POLICY || path.join(__dirname, '..', 'policy.toml')

const app = express()
app.disable('x-powered-by')
// One middleware, first in the chain: redirects, HSTS, cookie flags. A policy with an
// error stops the app here, with every problem and its path; the policy's deploy warnings
// (none for examples/policy.toml) are logged once, here, through the logger given
// (console by default; or { onWarning(warning) { ... } }). The same policy as options:
//   hstsguard({ hsts: { maxAge: '2y', preload: true }, redirect: { allowedHosts: [...] }, ... })
app.use(hstsguard(policyFile, { logger: console }))

app.get('/', (req, res) => {
  // Flagged on the way out: sessionid=demo; Path=/; Secure; HttpOnly; SameSite=Lax
  res.cookie('sessionid', 'demo')
  // isSecure: hstsguard's decision (req.secure is Express's, which knows no trusted proxy here).
  res.type('text').send(`hello over ${isSecure(req) ? 'HTTPS' : 'plain HTTP'}\n`)
})
app.get('/healthz', (req, res) => res.type('text').send('ok\n'))
app.post('/form', (req, res) => res.type('text').send('received\n'))
app.use((req, res) => res.status(404).type('text').send('not found\n'))

const servers = []
const port = Number(process.env.PORT ?? 3000)
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`hstsguard example listening on http://127.0.0.1:${server.address().port} (policy ${policyFile})`)
})
servers.push(server)
// The same app over TLS when a certificate is given: requests there are secure by
// themselves (no proxy header needed), so they get HSTS and are never redirected.
if (process.env.TLS_CERT && process.env.TLS_KEY) {
  const tls = { cert: fs.readFileSync(process.env.TLS_CERT), key: fs.readFileSync(process.env.TLS_KEY) }
  const httpsPort = Number(process.env.HTTPS_PORT ?? 3443)
  const secure = https.createServer(tls, app).listen(httpsPort, '127.0.0.1', () => {
    console.log(`hstsguard example listening on https://127.0.0.1:${secure.address().port}`)
  })
  servers.push(secure)
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    let open = servers.length
    for (const s of servers) {
      s.closeAllConnections()
      s.close(() => --open === 0 && process.exit(0))
    }
  })
}
