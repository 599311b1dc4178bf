// Benchmark 4: the HTTP API under autocannon. GET /api/livestreams/:id against a bare handler of
// the same build that answers the same JSON (the ratio is the cost of routing, validation and
// the store), POST /api/livestreams/:id/like from many users, and the show's page a shared link
// opens (GET /live/:id): for visitors not signed in (rendered once a second, the rest answered
// from the page cache) against signed-in ones (rendered for each).
//   node bench/http.mjs [--seconds=10] [--connections=50] [--users=2000] [--quick]
import { bareHandler, figures, load as cannon } from './lib/http.mjs'
import { adminToken, customerTokens, liveShow, startServer } from './lib/server.mjs'
import { options, printTable, round, saveResults } from './lib/stats.mjs'

const opts = options({ seconds: 10, connections: 50, users: 2000 })
const duration = opts.quick ? 2 : opts.seconds
const users = opts.quick ? 100 : opts.users
const load = (url, extra = {}) => cannon(url, { connections: opts.connections, duration, ...extra })

const bareRoute = bareHandler()
const server = await startServer({ env: bareRoute.env })
try {
  const livestreamId = await liveShow(server.base, await adminToken(server.base))
  const readUrl = `${server.base}/api/livestreams/${livestreamId}`
  const bareUrl = await bareRoute.prepare(server, readUrl)

  // Warm both paths up, then measure them one after the other.
  await load(readUrl, { duration: 1 })
  await load(bareUrl, { duration: 1 })
  const read = figures(await load(readUrl))
  const bare = figures(await load(bareUrl))

  const pageUrl = `${server.base}/live/${livestreamId}`
  const [signedIn] = await customerTokens(server.base, 1, 'Bench page reader')
  await load(pageUrl, { duration: 1 })
  const pageAnonymous = figures(await load(pageUrl))
  const pageSignedIn = figures(await load(pageUrl, { headers: { cookie: `wrencos_token=${signedIn}` } }))

  const tokens = await customerTokens(server.base, users, 'Bench liker')
  let next = 0
  const like = figures(await load(`${readUrl}/like`, {
    method: 'POST',
    requests: [{
      setupRequest: request => ({
        ...request,
        headers: { ...request.headers, 'content-type': 'application/json', 'authorization': `Bearer ${tokens[next++ % tokens.length]}` },
        body: '{"count":1}',
      }),
    }],
  }))
  const counted = (await (await fetch(readUrl)).json()).livestream.likes

  const result = {
    duration, connections: opts.connections, read, bare,
    readToBareRatio: round(read.requestsPerSecond / bare.requestsPerSecond, 2),
    // Accepted likes a second (2xx: one like each) against the bare handler's requests a second;
    // with 2000 users most requests meet the per-user limit (429), so also every like request
    // answered, accepted or not: what the route costs against the ceiling.
    // Four digits: a quick run's few users accept ~50 likes/s against ten thousand bare requests.
    likesToBareRatio: round(like.ok / duration / bare.requestsPerSecond, 4),
    likeRequestsToBareRatio: round(like.requestsPerSecond / bare.requestsPerSecond, 3),
    like: { ...like, users, likesCounted: counted },
    page: { anonymous: pageAnonymous, signedIn: pageSignedIn, anonymousToSignedIn: round(pageAnonymous.requestsPerSecond / pageSignedIn.requestsPerSecond, 2) },
  }
  const row = (route, measured) => ({ 'route': route, 'req/s': measured.requestsPerSecond, 'p99 ms': measured.latencyMs.p99, '2xx': measured.ok, 'non-2xx': measured.non2xx })
  printTable('HTTP (autocannon)', [
    row('GET /api/livestreams/:id', read),
    row('bare handler, same JSON', bare),
    row(`POST .../like (${users} users)`, like),
    row('GET /live/:id, not signed in (page cache)', pageAnonymous),
    row('GET /live/:id, signed in (rendered each time)', pageSignedIn),
  ])
  console.log(`read / bare = ${result.readToBareRatio}; accepted likes / bare = ${result.likesToBareRatio} (like requests / bare = ${result.likeRequestsToBareRatio}); likes counted ${counted}, accepted ${like.ok} (+ at most ${opts.connections} in flight at the stop); the show's page, not signed in / signed in = ${result.page.anonymousToSignedIn}`)
  saveResults('http', opts.quick, result)
  // autocannon stops at its deadline without waiting for the requests in flight (up to one per
  // connection): the server counts those likes, autocannon never sees their answers. Every
  // accepted like must be counted, and at most those few more.
  const likesInFlight = counted - like.ok
  if (likesInFlight < 0 || likesInFlight > opts.connections || read.errors || bare.errors || pageAnonymous.non2xx || pageSignedIn.non2xx) process.exitCode = 1
}
finally {
  await server.stop()
}
