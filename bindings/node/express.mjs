// ESM entry point of hstsguard/express: the same functions as the CommonJS `express.js`.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const express = require('./express.js')

export const { hsts, enforceHttps, secureCookies, hstsguard, isSecure } = express

export default express
