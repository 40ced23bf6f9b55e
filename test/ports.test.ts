import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { ephemeralRange, findFreePorts, PORT_RANGE_ENV, searchRange } from '../local/ports';

describe('the search range (RMQ_HA_PORT_RANGE: one share per test lane)', () => {
  test('unset: 20000 up to the ephemeral range; set: LOW-HIGH inclusive', () => {
    expect(searchRange({})).toEqual([20000, ephemeralRange()[0]]);
    expect(searchRange({ [PORT_RANGE_ENV]: '26384-32767' })).toEqual([26384, 32768]);
  });

  test.each(['20000', '30000-20000', '80-90', '20000-70000', 'a-b'])('%s is refused, naming the variable and the form', (raw) => {
    expect(() => searchRange({ [PORT_RANGE_ENV]: raw })).toThrow(`${PORT_RANGE_ENV}=${raw} is not a port range: expected LOW-HIGH`);
  });

  test('findFreePorts picks inside the range only', async () => {
    const before = process.env[PORT_RANGE_ENV];
    process.env[PORT_RANGE_ENV] = '23000-23099';
    try {
      const ports = await findFreePorts(20);
      expect(ports.filter((p) => p < 23000 || p > 23099)).toEqual([]);
      expect(new Set(ports).size).toBe(20);
    } finally {
      if (before === undefined) delete process.env[PORT_RANGE_ENV];
      else process.env[PORT_RANGE_ENV] = before;
    }
  });
});

describe('findFreePorts', () => {
  test('distinct ports below the kernel ephemeral range, each bindable right after', async () => {
    const [low] = ephemeralRange();
    const ports = await findFreePorts(12);
    expect(new Set(ports).size).toBe(12);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(20000);
      expect(p).toBeLessThan(low);
      const s = net.createServer();
      await new Promise<void>((resolve, reject) => {
        s.once('error', reject);
        s.listen({ host: '127.0.0.1', port: p, exclusive: true }, () => resolve());
      });
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });

  test('a port held by another listener is never returned', async () => {
    const [low] = ephemeralRange();
    // Hold every port of a small window, then ask for more ports than it could give.
    const held: net.Server[] = [];
    try {
      const ports = await findFreePorts(30);
      for (const p of ports.slice(0, 20)) {
        const s = net.createServer();
        await new Promise<void>((resolve) => s.listen({ host: '127.0.0.1', port: p, exclusive: true }, () => resolve()));
        held.push(s);
      }
      const heldPorts = new Set(held.map((s) => (s.address() as net.AddressInfo).port));
      const again = await findFreePorts(40);
      expect(again.filter((p) => heldPorts.has(p))).toEqual([]);
      expect(again.every((p) => p < low)).toBe(true);
    } finally {
      await Promise.all(held.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    }
  });

  test('the ephemeral range comes from procfs, with the IANA range when it cannot be read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rmq-ports-'));
    try {
      fs.writeFileSync(path.join(dir, 'range'), '40000\t60999\n');
      expect(ephemeralRange(path.join(dir, 'range'))).toEqual([40000, 60999]);
      expect(ephemeralRange(path.join(dir, 'missing'))).toEqual([49152, 65535]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
