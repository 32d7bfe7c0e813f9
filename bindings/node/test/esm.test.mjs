// The ESM entry points export the same names and objects as the CommonJS ones.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import * as esm from 'hstsguard'
import * as esmExpress from 'hstsguard/express'
import hgDefault, { HstsPolicy, Policy, parseSts } from 'hstsguard'
import { hsts, enforceHttps, secureCookies, hstsguard } from 'hstsguard/express'
import * as esmFetch from 'hstsguard/fetch'
import { hstsDispatcher } from 'hstsguard/fetch'

const require = createRequire(import.meta.url)
const cjs = require('hstsguard')
const cjsExpress = require('hstsguard/express')
const cjsFetch = require('hstsguard/fetch')

test('hstsguard: the same exports as require()', () => {
  const names = Object.keys(cjs).filter((n) => !n.startsWith('__')).sort()
  assert.deepEqual(Object.keys(esm).filter((n) => n !== 'default').sort(), names)
  for (const n of names) assert.equal(esm[n], cjs[n], n)
  assert.equal(hgDefault, cjs)
  assert.equal(HstsPolicy.includingSubDomains('1y').value, 'max-age=31536000; includeSubDomains')
  assert.equal(parseSts('max-age=0').valid, true)
  assert.ok(new Policy() instanceof cjs.Policy)
})

test('hstsguard/express: the same exports as require()', () => {
  assert.deepEqual(Object.keys(esmExpress).filter((n) => n !== 'default').sort(), Object.keys(cjsExpress).sort())
  assert.equal(hsts, cjsExpress.hsts)
  assert.equal(enforceHttps, cjsExpress.enforceHttps)
  assert.equal(secureCookies, cjsExpress.secureCookies)
  assert.equal(hstsguard, cjsExpress.hstsguard)
  assert.equal(esmExpress.isSecure, cjsExpress.isSecure)
})

test('hstsguard/fetch: the same exports as require()', () => {
  assert.deepEqual(Object.keys(esmFetch).filter((n) => n !== 'default').sort(), Object.keys(cjsFetch).sort())
  for (const n of Object.keys(cjsFetch)) assert.equal(esmFetch[n], cjsFetch[n], n)
  assert.equal(hstsDispatcher, cjsFetch.hstsDispatcher)
  assert.equal(esmFetch.KnownHosts, cjs.KnownHosts)
})
