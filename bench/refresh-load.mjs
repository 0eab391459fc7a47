// Refresh-token rotation under load, for bench/load.sh. No dependencies (Node >= 20).
//
//   node refresh-load.mjs --url http://127.0.0.1:5300 --user alice --password 'Alice#12345' \
//        [--workers 32] [--warmup 30] [--refreshes 150] [--race-pairs 32] [--agent jwtmvc-refresh-load] [--server-pid PID]
//
// Phase 1 (rotation): each of --workers concurrent workers logs in once (grant_type=password), then rotates its own
// refresh token --refreshes times in a row (grant_type=refresh_token, each call presenting the token the previous
// call returned). Logins and --warmup unmeasured rotations per worker (tiered JIT, pools) come before the clock
// starts, so the rate is warm rotations only; warmupRotations are reported apart (the database counts them too).
// Phase 2 (race): --race-pairs fresh sessions; each one's refresh token is presented twice at the same moment.
// A pair "wins" when its answers make one chain: within the server's retry window (Jwt:RefreshRetrySeconds) both
// get 200 with the same successor; with the window off one gets 200 and the other is reuse (invalid_grant). Race sessions carry the user agent
// '<agent>-race', rotation sessions '<agent>', so load.sh can tell them apart in the database.
// With --server-pid (Linux), also the server's CPU time (user + system) per rotation, over the rotation phase only
// (sign-ins hash passwords and would swamp it).
// Prints one JSON line: rotations, errors, seconds, rotationsPerSecond, p50Ms, p99Ms, serverCpuUsPerRotation, raceWins, ...
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const base = new URL(args.url ?? 'http://127.0.0.1:5300');
const workers = Number(args.workers ?? 32);
const refreshes = Number(args.refreshes ?? 150);
const warmup = Number(args.warmup ?? 30);
const racePairs = Number(args['race-pairs'] ?? 32);
const agentName = args.agent ?? 'jwtmvc-refresh-load';
const agent = new http.Agent({ keepAlive: true, maxSockets: workers * 2 });

function post(path, form, userAgent = agentName) {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve, reject) => {
    const request = http.request({
      agent, host: base.hostname, port: base.port, path, method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'user-agent': userAgent },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try { json = JSON.parse(text); } catch { /* not JSON */ }
        resolve({ status: response.statusCode, json, text });
      });
    });
    request.on('error', reject);
    request.end(body);
  });
}

async function login(userAgent = agentName) {
  const answer = await post('/api/auth/token', { grant_type: 'password', username: args.user ?? 'alice', password: args.password ?? 'Alice#12345' }, userAgent);
  if (answer.status !== 200 || !answer.json?.refresh_token) {
    throw new Error(`login failed: ${answer.status} ${answer.text.slice(0, 200)}`);
  }
  return answer.json.refresh_token;
}

const refresh = (token, userAgent = agentName) => post('/api/auth/token', { grant_type: 'refresh_token', refresh_token: token }, userAgent);

const serverPid = args['server-pid'];
const clockTicks = 100; // USER_HZ on Linux
function serverCpuMs() {
  if (!serverPid || os.platform() !== 'linux') return null;
  const fields = fs.readFileSync(`/proc/${serverPid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / clockTicks;
}

const percentile = (sorted, p) => (sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);

async function main() {
  // Phase 1: rotation throughput.
  const firstTokens = await Promise.all(Array.from({ length: workers }, () => login()));
  let warmupRotations = 0;
  const warmTokens = await Promise.all(firstTokens.map(async (first) => {
    let token = first;
    for (let i = 0; i < warmup; i++) {
      const answer = await refresh(token);
      if (answer.status !== 200 || !answer.json?.refresh_token) throw new Error(`warm-up refresh failed: ${answer.status}`);
      warmupRotations++;
      token = answer.json.refresh_token;
    }
    return token;
  }));
  const latencies = [];
  let rotations = 0;
  let errors = 0;
  const cpuBefore = serverCpuMs();
  const started = process.hrtime.bigint();
  await Promise.all(warmTokens.map(async (first) => {
    let token = first;
    for (let i = 0; i < refreshes; i++) {
      const t0 = process.hrtime.bigint();
      const answer = await refresh(token);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
      if (answer.status !== 200 || !answer.json?.refresh_token) {
        errors++;
        return; // this worker's chain is broken; it stops rather than hide the error
      }
      rotations++;
      token = answer.json.refresh_token;
    }
  }));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const cpuAfter = serverCpuMs();
  latencies.sort((a, b) => a - b);

  // Phase 2: the same token presented twice at once; one winner per pair.
  const raceAgent = `${agentName}-race`;
  const raceTokens = await Promise.all(Array.from({ length: racePairs }, () => login(raceAgent)));
  let raceWins = 0;
  let raceLosses = 0;
  let raceOther = 0;
  let raceRetried = 0;
  await Promise.all(raceTokens.map(async (token) => {
    const answers = await Promise.all([refresh(token, raceAgent), refresh(token, raceAgent)]);
    const successors = new Set(answers.filter((answer) => answer.status === 200).map((answer) => answer.json?.refresh_token));
    if (successors.size === 1) raceWins++;
    else raceOther++; // no successor, or two: not one chain
    for (const answer of answers) {
      if (answer.status === 200) raceRetried++;
      else if (answer.status === 400 && answer.json?.error === 'invalid_grant') raceLosses++;
      else raceOther++;
    }
  }));
  raceRetried -= raceWins; // answers beyond each pair's first 200: the retry window's same-successor answers

  agent.destroy();
  process.stdout.write(JSON.stringify({
    workers, refreshesPerWorker: refreshes, warmupRotations, rotations, errors, seconds: Number(seconds.toFixed(3)),
    rotationsPerSecond: Math.round(rotations / seconds),
    p50Ms: Number(percentile(latencies, 50).toFixed(2)), p99Ms: Number(percentile(latencies, 99).toFixed(2)),
    serverCpuUsPerRotation: cpuBefore === null || rotations === 0 ? null : Math.round(((cpuAfter - cpuBefore) * 1000) / rotations),
    racePairs, raceWins, raceRetried, raceLosses, raceOther,
  }) + '\n');
}

main().catch((error) => { console.error(`refresh-load: ${error.message}`); process.exit(1); });
