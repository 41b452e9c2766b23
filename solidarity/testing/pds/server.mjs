// A real Bluesky PDS and the did:plc directory it registers accounts with, in one Node process,
// bound to 127.0.0.1 only. Started by solidarity/testing/bluesky.py for the integration tests.
//
// Environment:
//   SOLIDARITY_PDS_MODULES  directory holding node_modules (the cache that `npm ci` filled);
//                           defaults to this file's directory.
//   SOLIDARITY_PDS_PORT     port of the PDS; 0 or unset picks a free one.
//   SOLIDARITY_PLC_PORT     port of the did:plc directory; 0 or unset picks a free one.
//   SOLIDARITY_PDS_DATA     data directory; unset makes a temporary one, removed on exit.
//   SOLIDARITY_PDS_PUBLIC_HOST  host in the PDS's public URL (DID documents, OAuth issuer):
//                           127.0.0.1 by default, or `localhost` as the library itself would say.
//   PDS_*                   any other PDS setting, read by the PDS's own readEnv().
//   PDS_BSKY_APP_VIEW_URL, PDS_BSKY_APP_VIEW_DID  the AppView the PDS proxies app.bsky.* to;
//                           by default a closed port on loopback, named did:web:api.bsky.app.
//
// Prints one line `READY {"pds": URL, "plc": URL, ...}` on stdout once both are listening;
// SIGTERM or SIGINT (or, with SOLIDARITY_PDS_EXIT_ON_STDIN_EOF set, the end of stdin) shut both
// down and remove a temporary data directory.

import crypto from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'

const LOOPBACK = '127.0.0.1'
const here = path.dirname(fileURLToPath(import.meta.url))
// The packages live in a cache outside the repository, so resolve them from there.
const require = createRequire(
  path.join(process.env.SOLIDARITY_PDS_MODULES || here, 'package.json'),
)
const pdsLib = require('@atproto/pds')
const plcLib = require('@did-plc/server')

// Both libraries call app.listen(port), which binds every interface; pin them to loopback.
function bindToLoopback(app) {
  const listen = app.listen.bind(app)
  app.listen = (port, ...rest) => listen(port, LOOPBACK, ...rest)
}

// A proxied request naming any other service makes the PDS fetch that service's did:web
// document over HTTPS; resolve only loopback ones (the library makes did:web:localhost http).
function refuseRemoteDidWeb(didResolver) {
  const web = didResolver.methods.get('web')
  didResolver.methods.set('web', {
    resolveNoCheck: async (did) => {
      const host = decodeURIComponent(did.split(':')[2] || '')
      return ['localhost', LOOPBACK].includes(host) ? web.resolveNoCheck(did) : null
    },
  })
}

// The PDS needs its port before it starts (it is part of its public URL), so ask the kernel for one.
async function freePort() {
  const probe = net.createServer()
  await new Promise((resolve) => probe.listen(0, LOOPBACK, resolve))
  const { port } = probe.address()
  await new Promise((resolve) => probe.close(resolve))
  return port
}

// A secp256k1 private key as hex, which is how the PDS takes its PLC rotation key.
function k256PrivateKeyHex() {
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'secp256k1' })
  return Buffer.from(privateKey.export({ format: 'jwk' }).d, 'base64url').toString('hex')
}

function portFromEnv(name) {
  const value = Number.parseInt(process.env[name] || '0', 10)
  if (!Number.isInteger(value) || value < 0 || value > 65535) {
    throw new Error(`${name} must be a port number, got ${process.env[name]}`)
  }
  return value
}

async function startPlc(port) {
  const plc = plcLib.PlcServer.create({ db: plcLib.Database.mock(), port })
  bindToLoopback(plc.app)
  const server = await plc.start()
  return { plc, url: `http://${LOOPBACK}:${server.address().port}` }
}

async function startPds(port, plcUrl, dataDirectory, publicHost) {
  const env = {
    ...pdsLib.readEnv(),
    port,
    hostname: 'localhost',
    didPlcUrl: plcUrl,
    dataDirectory,
    blobstoreDiskLocation: path.join(dataDirectory, 'blobs'),
    jwtSecret: crypto.randomBytes(32).toString('hex'),
    adminPassword: crypto.randomBytes(16).toString('hex'),
    plcRotationKeyK256PrivateKeyHex: k256PrivateKeyHex(),
    dpopSecret: crypto.randomBytes(32).toString('hex'),
  }
  env.devMode ??= true
  env.inviteRequired ??= false
  // No AppView of our own. Unconfigured, the PDS would send a request proxied to Bluesky's
  // AppView (`atproto-proxy: did:web:api.bsky.app#bsky_appview`, as our follower count is) out
  // to api.bsky.app; this way it fails here: port 1 on loopback refuses at once (HTTP 502).
  env.bskyAppViewUrl ??= `http://${LOOPBACK}:1`
  env.bskyAppViewDid ??= 'did:web:api.bsky.app'
  const cfg = pdsLib.envToCfg(env)
  // The library names itself http://localhost:PORT; an address keeps every client of this PDS
  // (DID documents, OAuth metadata) free of name lookups, which the tests stub or forbid.
  if (publicHost !== 'localhost') {
    cfg.service.publicUrl = `http://${publicHost}:${port}`
    cfg.oauth.issuer = cfg.service.publicUrl
  }
  const pds = await pdsLib.PDS.create(cfg, pdsLib.envToSecrets(env))
  refuseRemoteDidWeb(pds.ctx.idResolver.did)
  bindToLoopback(pds.app)
  await pds.start()
  return { pds, url: cfg.service.publicUrl, adminPassword: env.adminPassword }
}

async function main() {
  const ownsData = !process.env.SOLIDARITY_PDS_DATA
  const dataDirectory =
    process.env.SOLIDARITY_PDS_DATA || fs.mkdtempSync(path.join(os.tmpdir(), 'solidarity-pds-'))
  fs.mkdirSync(dataDirectory, { recursive: true })
  const { plc, url: plcUrl } = await startPlc(portFromEnv('SOLIDARITY_PLC_PORT'))
  const pdsPort = portFromEnv('SOLIDARITY_PDS_PORT') || (await freePort())
  const publicHost = process.env.SOLIDARITY_PDS_PUBLIC_HOST || LOOPBACK
  const started = await startPds(pdsPort, plcUrl, dataDirectory, publicHost)
  const { pds, url: pdsUrl, adminPassword } = started

  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await pds.destroy().catch((err) => console.error('PDS shutdown:', err))
    await plc.destroy().catch((err) => console.error('PLC shutdown:', err))
    if (ownsData) fs.rmSync(dataDirectory, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  // The test runner holds our stdin open; if it dies without stopping us, stop on our own.
  if (process.env.SOLIDARITY_PDS_EXIT_ON_STDIN_EOF) {
    process.stdin.on('end', stop)
    process.stdin.resume()
  }

  const ready = { pds: pdsUrl, plc: plcUrl, port: pdsPort, adminPassword, dataDirectory }
  process.stdout.write(`READY ${JSON.stringify(ready)}\n`)
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
