// Compiled (not run) by types.test.js with `tsc --noEmit`: the published types
// (index.d.ts, generated; express.d.ts) describe the API as the tests use it.
import { createServer } from 'node:http'
import {
  HstsPolicy,
  HpkpHeader,
  Policy,
  parseSts,
  preloadCheck,
  parseHpkp,
  flagSetCookie,
  type Decision,
  type Issue,
  type ParsedSts,
  type PolicyDocument,
  type RedirectOutcome,
} from 'hstsguard'
import { hsts, enforceHttps, secureCookies, hstsguard, isSecure, type Middleware } from 'hstsguard/express'
import {
  KnownHosts,
  preloadLookup,
  preloadListInfo,
  scan,
  type HstsMatch,
  type ReceiveOutcome,
  type ScanReport,
  type UrlUpgrade,
} from 'hstsguard'
import { hstsDispatcher, installGlobal, HstsDispatcher, type HstsReceiveEvent } from 'hstsguard/fetch'

const value: string = HstsPolicy.includingSubDomains('2y').withPreload().value
const maxAge: number = new HstsPolicy(300, false).maxAge
const parsed: ParsedSts = parseSts(value)
const age: number | null = parsed.maxAge
const codes: string[] = parsed.issues.map((i: Issue) => i.code)
const ok: boolean = preloadCheck(value, 'example.com').ok
const pins: string[] = parseHpkp('pin-sha256="x"', false, null).pins
const header: string = new HpkpHeader({ pins: ['a', 'b'], maxAge: '30d', reportOnly: true }).name
const cookie: string = flagSetCookie('a=1').setCookie

const doc: PolicyDocument = {
  hsts: { max_age: '2y', include_subdomains: true, send: 'secure', existing: 'replace' },
  proxy: { trusted: ['10.0.0.0/8'], sources: 'x-forwarded-proto', list: 'rightmost' },
  redirect: { allowed_hosts: ['.example.com'], exempt: '^/healthz$', status_other: 308 },
  cookies: { secure_when: 'always', rules: [{ name: '*', secure: true, same_site: 'Lax' }] },
}
const policy = new Policy(doc)
const decision: Decision = policy.evaluate({ method: 'GET', host: null, target: '/', headers: { 'x-forwarded-proto': 'https' } })
const status: number | null = decision.status
const lean: boolean | RedirectOutcome = policy.decide('GET', 'example.com', '/', false)
const hstsValue: string | null = policy.hsts

// @ts-expect-error: the document keys are snake_case, as in a policy file
new Policy({ hsts: { maxAge: 1 } })
// @ts-expect-error: send is 'secure' or 'always'
hsts({ send: 'sometimes' })

const middleware: Middleware[] = [
  hsts({ maxAge: 31536000, includeSubDomains: true, preload: false }),
  enforceHttps({ allowedHosts: ['example.com'], trustProtoHeader: true, statusOther: 308 }),
  secureCookies([{ name: '*', secure: true, httpOnly: true, sameSite: 'Lax' }]),
  secureCookies({ secureWhen: 'requestSecure', prefixes: 'repair' }),
  hstsguard(policy),
  hstsguard('policy.toml'),
  hstsguard(doc),
]
const headerValue: string = hsts().headerValue
createServer((req, res) => {
  const secure: boolean = isSecure(req)
  middleware[0](req, res, () => res.end(String(secure)))
})

// The client side.
const store = new KnownHosts({ capacity: 100, preload: true, allowSingleLabelPreload: false })
const outcome: ReceiveOutcome = store.receive('example.com', ['max-age=600'], true)
const result: 'added' | 'updated' | 'deleted' | 'ignored' = outcome.result
const match: HstsMatch | null = store.lookup('www.example.com', 1_800_000_000)
const remaining: number | null = match ? match.remainingSeconds : null
const upgraded: UrlUpgrade = store.upgradeUrl('http://example.com/')
const preloaded: boolean = preloadLookup('github.com') !== null
const listDate: string = preloadListInfo().date
const skipped: number[] = store.load('hsts.txt').skipped.map((s) => s.line)
// @ts-expect-error: the store options are camelCase
new KnownHosts({ allow_single_label_preload: true })

const dispatcher: HstsDispatcher = hstsDispatcher({ store, storeFile: 'hsts.txt', saveDelay: 0, connect: { rejectUnauthorized: false } })
dispatcher.on('hsts:receive', (e: HstsReceiveEvent) => e.secure)
installGlobal(dispatcher)
async function client(): Promise<string> {
  const res = await fetch('http://example.com/', { dispatcher } as RequestInit)
  const report: ScanReport = await scan('example.com', { connectTo: ['::127.0.0.1:8443'], caFile: 'ca.pem', timeout: 10 })
  const tlsVerified: boolean | undefined = report.chains.https_apex[0]?.tls?.verified
  const cookies: string[] = report.chains.http_apex.flatMap((h) => h.set_cookie)
  return `${res.status} ${report.ok} ${tlsVerified} ${cookies.length}`
}

export { result, remaining, upgraded, preloaded, listDate, skipped, client }
export { maxAge, age, codes, ok, pins, header, cookie, status, lean, hstsValue, headerValue }
