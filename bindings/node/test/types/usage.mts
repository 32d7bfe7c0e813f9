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
  type PolicyOptions,
  type HstsSection,
  type CookieRuleSection,
  type HstsStage,
} from 'hstsguard'
import {
  hsts,
  enforceHttps,
  secureCookies,
  hstsguard,
  isSecure,
  type Middleware,
  type HstsOptions,
  type EnforceHttpsOptions,
  type HstsguardWarning,
} from 'hstsguard/express'
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
const sameSiteOf: 'Strict' | 'Lax' | 'None' | null = flagSetCookie('a=1; SameSite=Lax').attributes.sameSite

// Options: camelCase, as every JavaScript option.
const options: PolicyOptions = {
  hsts: { maxAge: '2y', includeSubDomains: true, send: 'secure', existing: 'replace', skipIpHosts: true },
  proxy: { trusted: ['10.0.0.0/8'], sources: 'x-forwarded-proto', list: 'rightmost', customHeader: { name: 'X-Proto', value: 'ssl' } },
  redirect: { allowedHosts: ['.example.com'], exempt: [/^\/healthz$/i, '^/ready$'], statusOther: 308 },
  cookies: { secureWhen: 'always', rules: [{ name: '*', secure: true, sameSite: 'Lax' }, { name: 'sid', sameSite: true }] },
}
const rule: CookieRuleSection = { name: 'a', sameSite: 'lax', httpOnly: true }
const ramped: HstsSection = { preload: true, ramp: { start: '2026-12-01', stages: ['5m', 86400, '1y'], step: '1w' } }
const policy = new Policy(options)
// A document: snake_case, as in a policy file.
const doc: PolicyDocument = {
  hsts: { max_age: '2y', include_subdomains: true, ramp: { start: '2026-12-01', stages: ['5m'] } },
  redirect: { allowed_hosts: ['.example.com'], exempt: '^/healthz$', status_other: 308 },
  cookies: { secure_when: 'request_secure', rules: [{ name: '*', http_only: true, same_site: 'Strict' }] },
}
const fromDoc: Policy = Policy.fromDocument(doc)
const decision: Decision = policy.evaluate({ method: 'GET', host: null, target: '/', headers: { 'x-forwarded-proto': 'https' } })
const status: number | null = decision.status
const hstsValue: string | null = policy.hsts
const schedule: HstsStage[] | null = fromDoc.hstsSchedule
const valueNow: string | null = fromDoc.hstsValueAt(1_800_000_000)

// @ts-expect-error: options are camelCase
new Policy({ hsts: { max_age: 1 } })
// @ts-expect-error: a document is snake_case
Policy.fromDocument({ hsts: { maxAge: 1 } })
// @ts-expect-error: the middleware's entry points are not the API
policy._decide('GET', 'example.com', '/')
// @ts-expect-error: send is 'secure' or 'always'
hsts({ send: 'sometimes' })
// @ts-expect-error: sameSite false means nothing
secureCookies([{ name: 'a', sameSite: false }])
// @ts-expect-error: the statuses are the core's
enforceHttps({ statusGetHead: 200 })

const onWarning = (w: HstsguardWarning): void => console.log(w.code, w.severity, w.message, w.middleware)
const hstsOptions: HstsOptions = { maxAge: 31536000, includeSubDomains: true, preload: false, skipLocalhost: false, logger: console }
const enforceOptions: EnforceHttpsOptions = { allowedHosts: 'example.com', proxy: { trusted: '10.0.0.0/8' }, onWarning }
const middleware: Middleware[] = [
  hsts(hstsOptions),
  hsts(ramped),
  enforceHttps({ allowedHosts: ['example.com'], trustProtoHeader: true, statusOther: 308, exempt: /^\/health$/ }),
  enforceHttps(enforceOptions),
  secureCookies([{ name: '*', secure: true, httpOnly: true, sameSite: 'Lax' }, rule]),
  secureCookies({ secureWhen: 'request_secure', prefixes: 'repair', onWarning }),
  hstsguard(policy),
  hstsguard('policy.toml', { onWarning }),
  hstsguard(options, { logger: console }),
]
const headerValue: string | null = hsts().headerValue
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
export { maxAge, age, codes, ok, pins, header, cookie, sameSiteOf, status, hstsValue, headerValue, schedule, valueNow }
