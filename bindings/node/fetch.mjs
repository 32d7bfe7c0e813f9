// ESM entry point of hstsguard/fetch: the same objects as fetch.js, re-exported by name.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const hstsFetch = require('./fetch.js')

export const { HstsDispatcher, hstsDispatcher, installGlobal, uninstallGlobal, KnownHosts } = hstsFetch

export default hstsFetch
