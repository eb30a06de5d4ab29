/**
 * The adversarial test kit: real TLS, real sockets, loopback only (or a private network
 * namespace). Reused by the fetcher's, the resolver's, the server's and the end-to-end tests.
 *
 *   const pki = await createTestPki();                        // CA + leaf for *.client.test, ...
 *   const origin = await startOriginServer({ certificate: pki.leaf });          // programmable HTTPS on 127.0.0.1
 *   origin.route('/cimd.json', jsonAnswer({ client_id: ... }));
 *   const dns = createTestResolver({ 'client.test': '127.0.0.1' });
 *   const fetcher = createSafeFetcher(loopbackFetcherOptions(pki, dns));
 *   await fetcher.fetch(fetchRequest(origin.url('client.test', '/cimd.json')));
 */
export { createTestPki, DEFAULT_TEST_NAMES } from './pki.js';
export type { SubjectNames, TestCertificate, TestPki } from './pki.js';
export { jsonAnswer, startOriginServer } from './origin-server.js';
export type { OriginServer, OriginServerOptions, RecordedRequest, RouteAnswer, RouteHandler } from './origin-server.js';
export { drip, rawResponse, startRawTlsServer } from './raw-tls-server.js';
export type { RawBehaviour, RawRequest, RawTlsServer, RawTlsServerOptions } from './raw-tls-server.js';
export { createTestResolver } from './test-resolver.js';
export type { TestAnswers, TestResolver } from './test-resolver.js';
export { watchConnectionAttempts } from './connection-watch.js';
export type { ConnectionAttempt, ConnectionWatch } from './connection-watch.js';
export { startCountingListener } from './counting-listener.js';
export type { CountingListener } from './counting-listener.js';
export { NETNS_ENV, inNetworkNamespace, runInNetworkNamespace } from './network-namespace.js';
export type { NamespaceRunOptions, NamespaceRunResult } from './network-namespace.js';
export { fetchRequest, loopbackFetcherOptions, UNTHROTTLED_BUDGETS } from './fetcher-setup.js';
export type { ConnectionLog } from './listening.js';
export { urlFor } from './listening.js';
export { SPECIAL_SAMPLES } from './special-samples.js';
export { waitFor } from './wait-for.js';
export { rejectsWithCode } from './expect-code.js';
