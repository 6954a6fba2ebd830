import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { loadGatewayConfig } from '../../services/gateway/gateway.config';
import { loadQueueMetricsConfig } from '../../services/queue-metrics/queue-metrics.config';
import { commonEnv, databaseEnv } from './common.config';
import { redisUrlWithPassword } from './connection.urls';
import { ConfigError, parseEnv } from './env';

// What ECS injects from Aurora's secret: the generated password may hold any URL-special character.
const aurora = {
  DB_HOST: 'aira.cluster-abc.us-east-1.rds.amazonaws.com',
  DB_PORT: '3306',
  DB_NAME: 'aira',
  DB_USER: 'aira',
  DB_PASSWORD: 'p@ss:w/rd%#?&=+ ',
};

const parse = (env: Record<string, string>) => parseEnv(Type.Object(commonEnv), env);

describe('DATABASE_URL from its parts', () => {
  it('is assembled once at start, every part encoded, and mysql2 reads the password back', () => {
    const config = parse({ ...aurora, DB_SSL: 'Amazon RDS' });
    expect(config.DATABASE_URL).toBe(
      'mysql://aira:p%40ss%3Aw%2Frd%25%23%3F%26%3D%2B%20@aira.cluster-abc.us-east-1.rds.amazonaws.com:3306/aira?ssl=Amazon%20RDS',
    );
    // The same decoding mysql2's ConnectionConfig.parseUrl applies.
    const url = new URL(config.DATABASE_URL!);
    expect(decodeURIComponent(url.password)).toBe(aurora.DB_PASSWORD);
    expect(decodeURIComponent(url.username)).toBe('aira');
    expect(url.hostname).toBe(aurora.DB_HOST);
    expect(url.searchParams.get('ssl')).toBe('Amazon RDS');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('defaults the port and leaves TLS off unless a profile is named', () => {
    const { DB_PORT: _port, ...withoutPort } = aurora;
    expect(parse(withoutPort).DATABASE_URL).toMatch(
      /@aira\.cluster-abc\.us-east-1\.rds\.amazonaws\.com:3306\/aira$/,
    );
  });

  it('works for the migrations, which read only the database variables', () => {
    const config = parseEnv(Type.Object(databaseEnv), aurora);
    expect(config.DATABASE_URL).toMatch(/^mysql:\/\/aira:/);
  });

  it('names the missing part', () => {
    const { DB_PASSWORD: _password, ...noPassword } = aurora;
    expect(() => parse(noPassword)).toThrow(ConfigError);
    expect(() => parse(noPassword)).toThrow(
      /^DB_PASSWORD is not set: DB_HOST, DB_PORT, DB_NAME, DB_USER are set/,
    );
    expect(() => parse({ DB_HOST: 'db' })).toThrow(/^DB_NAME is not set/);
  });

  it('names a malformed part', () => {
    expect(() => parse({ ...aurora, DB_PORT: 'mysql' })).toThrow(/^DB_PORT is "mysql"/);
    expect(() => parse({ ...aurora, DB_PORT: '70000' })).toThrow(/^DB_PORT is "70000"/);
  });

  it('refuses a URL and parts at once', () => {
    expect(() => parse({ ...aurora, DATABASE_URL: 'mysql://root@127.0.0.1/test' })).toThrow(
      /^DATABASE_URL and DB_HOST, DB_PORT, DB_NAME, DB_USER, DB_PASSWORD are both set/,
    );
  });

  it('leaves DATABASE_URL alone when no part is given', () => {
    expect(parse({ DATABASE_URL: 'mysql://root@127.0.0.1:3306/test' }).DATABASE_URL).toBe(
      'mysql://root@127.0.0.1:3306/test',
    );
    expect(parse({}).DATABASE_URL).toBeUndefined();
  });
});

describe('REDIS_URL with REDIS_PASSWORD', () => {
  const host = 'rediss://master.aira-redis.abc.use1.cache.amazonaws.com:6379';

  it('puts the password into the URL, encoded, for ioredis and BullMQ alike', () => {
    const config = parse({ REDIS_URL: host, REDIS_PASSWORD: 'tok/en@:%' });
    expect(config.REDIS_URL).toBe(
      'rediss://:tok%2Fen%40%3A%25@master.aira-redis.abc.use1.cache.amazonaws.com:6379',
    );
    // ioredis decodes the URL's password the same way.
    expect(decodeURIComponent(new URL(config.REDIS_URL).password)).toBe('tok/en@:%');
  });

  it('gives the publisher, which has its own loader, the same URL', () => {
    const env = { REDIS_URL: host, REDIS_PASSWORD: 'token' };
    expect(loadQueueMetricsConfig(env).redisUrl).toBe(parse(env).REDIS_URL);
    expect(loadGatewayConfig(env).REDIS_URL).toBe(parse(env).REDIS_URL);
  });

  it('keeps a URL that already carries the same password, and refuses another', () => {
    const withPassword = redisUrlWithPassword(host, 'token');
    expect(redisUrlWithPassword(withPassword, 'token')).toBe(withPassword);
    expect(() => redisUrlWithPassword(withPassword, 'other')).toThrow(/REDIS_URL carries a password/);
    expect(redisUrlWithPassword(host, undefined)).toBe(host);
  });
});
