// ESM entry point of hstsguard: the same objects as the CommonJS `index.js` (which loads
// the addon through napi-rs's generated `binding.js`), re-exported by name.
// test/esm.test.mjs checks that the two export the same names.
import { createRequire } from 'node:module'

const require = createRequire(import.meta.url)
const binding = require('./index.js')

export const {
  version,
  VERSION,
  ONE_YEAR,
  MAX_AGE_CAP,
  HstsPolicy,
  HpkpHeader,
  Policy,
  parseSts,
  parseStsFields,
  preloadCheck,
  removableCheck,
  domainCheck,
  auditRedirectChain,
  parseHpkp,
  pinOfSpki,
  pinFromPemOrDer,
  pinsFromPemChain,
  parseDuration,
  formatDuration,
  flagSetCookie,
  KnownHosts,
  preloadLookup,
  preloadListInfo,
  scan,
  CERTIFICATE_ERROR_CODE,
  DEFAULT_CAPACITY,
} = binding

export default binding
