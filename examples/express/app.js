'use strict'
// An Express app behind hstsguard, using the same policy file as every other stack
// (examples/policy.toml: HSTS two years with preload, 127.0.0.1 trusted as the reverse
// proxy, redirects only to example.com and its subdomains, /healthz exempt, every cookie
// Secure and the session cookie HttpOnly + SameSite=Lax).
//
//   npm install && node app.js            # listens on 127.0.0.1:3000 (PORT to change)
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
const path = require('node:path')
const express = require('express')
const { hstsguard, isSecure } = require('hstsguard/express')

const policyFile = process.env.HSTSGUARD_POLICY || path.join(__dirname, '..', 'policy.toml')

const app = express()
app.disable('x-powered-by')
// One middleware, first in the chain: redirects, HSTS, cookie flags. A policy with an
// error stops the app here, with every problem and its path.
app.use(hstsguard(policyFile))

app.get('/', (req, res) => {
  // Flagged on the way out: sessionid=demo; Path=/; Secure; HttpOnly; SameSite=Lax
  res.cookie('sessionid', 'demo')
  // isSecure: hstsguard's decision (req.secure is Express's, which knows no trusted proxy here).
  res.type('text').send(`hello over ${isSecure(req) ? 'HTTPS' : 'plain HTTP'}\n`)
})
app.get('/healthz', (req, res) => res.type('text').send('ok\n'))
app.post('/form', (req, res) => res.type('text').send('received\n'))
app.use((req, res) => res.status(404).type('text').send('not found\n'))

const port = Number(process.env.PORT ?? 3000)
const server = app.listen(port, '127.0.0.1', () => {
  console.log(`hstsguard example listening on http://127.0.0.1:${server.address().port} (policy ${policyFile})`)
})
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => server.close(() => process.exit(0)))
