// Refresh clients for bench/refresh-crash.sh: sessions must survive the server being killed mid-refresh.
//
//   node refresh-crash.mjs --url http://127.0.0.1:5300 --user alice --password 'Alice#12345' \
//        [--clients 16] [--seconds 40] [--give-up 120] [--stop-file PATH] [--ready-file PATH]
//
// Each client signs in once (grant_type=password), then rotates its refresh token in a loop
// (grant_type=refresh_token), as an honest client does: a refresh that gets no answer (connection refused, reset,
// hung up: the server was killed, perhaps after committing the rotation) is sent again with the same token every
// 200 ms, for at most --give-up seconds. Whether the retry came in time is the server's call: a 400 invalid_grant
// means the session was lost (reuse), and the client stops. Once every client's sign-in has settled, --ready-file is
// created (the storm starts then). Runs for --seconds, or until --stop-file exists.
// Prints one JSON line: clients, rotations, networkRetries, retriedAfterNoAnswer, lostSessions, gaveUp, other (any
// other answer, the first few in otherAnswers).
import fs from 'node:fs';
import http from 'node:http';

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, arg, i, all) =>
  (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []));
const base = new URL(args.url ?? 'http://127.0.0.1:5300');
const clients = Number(args.clients ?? 16);
const seconds = Number(args.seconds ?? 40);
const giveUpMs = Number(args['give-up'] ?? 120) * 1000;
const readyFile = args['ready-file'];
let signedIn = 0;
const stopFile = args['stop-file'];

function post(form) {
  const body = new URLSearchParams(form).toString();
  return new Promise((resolve) => {
    // No keep-alive: every refresh is its own connection, as after a server restart anyway.
    const request = http.request({
      host: base.hostname, port: base.port, path: '/api/auth/token', method: 'POST', agent: false,
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body), 'user-agent': 'jwtmvc-refresh-crash' },
    }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        let json = null;
        try { json = JSON.parse(Buffer.concat(chunks).toString('utf8')); } catch { /* not JSON */ }
        resolve({ status: response.statusCode, json });
      });
      response.on('error', () => resolve({ status: 0 }));
    });
    request.setTimeout(10000, () => request.destroy(new Error('timeout')));
    request.on('error', () => resolve({ status: 0 })); // no answer
    request.end(body);
  });
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const totals = { clients, rotations: 0, networkRetries: 0, retriedAfterNoAnswer: 0, lostSessions: 0, gaveUp: 0, other: 0, otherAnswers: [] };
const other = (answer) => { totals.other++; if (totals.otherAnswers.length < 5) totals.otherAnswers.push(`${answer.status} ${JSON.stringify(answer.json)}`.slice(0, 200)); };
const deadline = Date.now() + seconds * 1000;
const running = () => Date.now() < deadline && !(stopFile && fs.existsSync(stopFile));

// Sends form until some answer comes, for at most giveUpMs; null when none did.
async function withRetries(form) {
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const answer = await post(form);
    if (answer.status !== 0) return { answer, retried: attempt > 0 };
    if (Date.now() - started > giveUpMs) return null;
    totals.networkRetries++;
    await sleep(200);
  }
}

async function client() {
  const login = await withRetries({ grant_type: 'password', username: args.user ?? 'alice', password: args.password ?? 'Alice#12345' });
  if (++signedIn === clients && readyFile) fs.writeFileSync(readyFile, ''); // every sign-in settled
  if (!login) { totals.gaveUp++; return; }
  if (login.answer.status !== 200) { other(login.answer); return; }
  let token = login.answer.json.refresh_token;
  while (running()) {
    const result = await withRetries({ grant_type: 'refresh_token', refresh_token: token });
    if (!result) { totals.gaveUp++; return; }
    const { answer, retried } = result;
    if (answer.status === 200 && answer.json?.refresh_token) {
      totals.rotations++;
      if (retried) totals.retriedAfterNoAnswer++;
      token = answer.json.refresh_token;
    } else if (answer.status === 400 && answer.json?.error === 'invalid_grant') {
      totals.lostSessions++; // signed out: reuse detection revoked the session
      return;
    } else {
      other(answer);
      await sleep(200); // a 5xx while the server starts: try the same token again
    }
  }
}

await Promise.all(Array.from({ length: clients }, () => client()));
process.stdout.write(JSON.stringify(totals) + '\n');
