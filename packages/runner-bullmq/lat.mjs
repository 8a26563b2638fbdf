import { Queue, Worker } from 'bullmq';
const connection = { host: '127.0.0.1', port: 6390, maxRetriesPerRequest: null };
const q = new Queue('lat', { connection, prefix: 'latt' });
await q.setGlobalConcurrency(Number(process.argv[2] ?? 0) || 0);
const w = new Worker('lat', async () => 1, { connection, prefix: 'latt', concurrency: 2 });
await w.waitUntilReady();
await new Promise(r => setTimeout(r, 1000));
for (let i = 0; i < 4; i++) {
  const t = Date.now();
  const done = new Promise(r => w.once('completed', r));
  await q.add('x', {});
  await done;
  console.log('job', i, Date.now() - t, 'ms');
  await new Promise(r => setTimeout(r, 300));
}
await w.close(); await q.close();
