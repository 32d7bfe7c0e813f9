// Types of hstsguard/fetch: HSTS (RFC 6797 §8) for Node's global fetch and undici.
import type { Agent, Dispatcher, buildConnector } from 'undici'
import type { KnownHosts, KnownHostsOptions, HstsMatch, LoadReport } from './index'

export { KnownHosts }

/** Options of {@link HstsDispatcher}; the other keys are undici `Agent` options. */
export interface HstsDispatcherOptions extends Omit<Agent.Options, 'connect' | 'maxRedirections'> {
  /** The Known HSTS Host store to read and update (default: a new one, shareable). */
  store?: KnownHosts
  /** Options of the store made when `store` is not given. */
  knownHosts?: KnownHostsOptions
  /**
   * An HSTS cache file in curl's `--hsts` format: loaded when the dispatcher is made,
   * saved `saveDelay` ms after a change, on close()/destroy() and at process exit.
   */
  storeFile?: string
  /** Milliseconds between the first unsaved change and the save (default 1000; 0: at once). */
  saveDelay?: number
  /** Called when a background save fails (default: `process.emitWarning`). */
  onStoreError?: (err: Error & { code: string }) => void
  /**
   * undici connect options or a connector function. Known hosts always get a verified
   * certificate, whatever `rejectUnauthorized` says.
   */
  connect?: buildConnector.BuildOptions | buildConnector.connector
  /** Redirects followed for undici.request()-style calls (fetch follows its own). */
  maxRedirections?: number
}

/** The event of an http:// request sent over https:// instead. */
export interface HstsUpgradeEvent {
  from: string
  to: string
  matched: HstsMatch
}

/** The event of an STS field set recorded from a response. */
export interface HstsReceiveEvent {
  host: string
  fields: string[]
  secure: boolean
  result: 'added' | 'updated' | 'deleted' | 'ignored'
  reason: string | null
}

/**
 * An undici Dispatcher applying HSTS: http:// requests to known or preloaded hosts leave
 * over https://, every redirect hop included; certificate errors for known hosts are
 * fatal (`err.code === 'ua.tls.certificate_error'`, as the `cause` of fetch's TypeError);
 * STS fields of verified HTTPS responses are recorded.
 */
export declare class HstsDispatcher extends Dispatcher {
  constructor(options?: HstsDispatcherOptions)
  /** The store this dispatcher reads and updates. */
  readonly store: KnownHosts
  /** The store file, or null. */
  readonly storeFile: string | null
  /** What loading the store file found (null without one). */
  readonly loadReport: LoadReport | null
  /** Saves unsaved changes to the store file now; throws `ua.store.*` errors. */
  flush(): void
  on(event: 'hsts:upgrade', listener: (e: HstsUpgradeEvent) => void): this
  on(event: 'hsts:receive', listener: (e: HstsReceiveEvent) => void): this
  on(event: string | symbol, listener: (...args: any[]) => void): this
}

/** `fetch(url, { dispatcher: hstsDispatcher(options) })`. */
export declare function hstsDispatcher(options?: HstsDispatcherOptions): HstsDispatcher

/** Makes an HstsDispatcher undici's (and Node's global fetch's) global dispatcher. */
export declare function installGlobal(options?: HstsDispatcherOptions | HstsDispatcher): HstsDispatcher

/** Restores the previous global dispatcher; returns the removed HstsDispatcher, if any. */
export declare function uninstallGlobal(): HstsDispatcher | null
