import { TokenError, decodeJwt, isoSeconds } from '../../src/token/jwt';
import { FAKE_SIGNATURE, NOW_SECONDS, encodePart, makeToken } from './make-token';

const header = encodePart({ typ: 'JWT', alg: 'RS256' });

describe('decodeJwt', () => {
  test('decodes claims, with or without "Bearer " and whitespace', () => {
    const token = makeToken();
    const decoded = decodeJwt(`  Bearer ${token}\n`);
    expect(decoded.header).toEqual({ alg: 'RS256', typ: 'JWT' });
    expect(decoded.claims).toEqual({
      aud: ['https://vault.azure.net'],
      iss: 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/',
      tid: '72f988bf-86f1-41af-91ab-2d7cd011db47',
      oid: '3975aeed-7d08-453b-b6f4-445f32698091',
      appid: 'fad7d5b3-69d6-4b48-9259-8d12124e1cf1',
      upn: undefined,
      ver: '1.0',
      iat: NOW_SECONDS - 600,
      nbf: NOW_SECONDS - 600,
      exp: NOW_SECONDS + 3000,
    });
  });

  test('v2 tokens name the client azp', () => {
    expect(
      decodeJwt(makeToken({ azp: 'cccccccc-0000-4000-8000-000000000001', ver: '2.0' }, ['appid'])).claims.appid,
    ).toBe('cccccccc-0000-4000-8000-000000000001');
  });

  test.each([
    ['empty input', '   ', 'no token given: pass a JWT on stdin or with --file'],
    ['one part', 'abc', 'the token has 1 part separated by dots; a JWT has three (header.payload.signature)'],
    ['two parts', 'abc.def', 'the token has 2 parts separated by dots; a JWT has three (header.payload.signature)'],
    ['four parts', 'a.b.c.d', 'the token has 4 parts separated by dots; a JWT has three (header.payload.signature)'],
    [
      'a JWE',
      'eyJhbGciOiJSU0EtT0FFUCJ9.a.b.c.d',
      'the token has five parts: it is an encrypted token (JWE), which cannot be read without its key; Key Vault takes signed access tokens (three parts)',
    ],
    ['bad base64url in the header', `ab+c/.${encodePart({})}.${FAKE_SIGNATURE}`, "the token's header is not base64url"],
    ['an impossible base64url length', `a.${encodePart({})}.${FAKE_SIGNATURE}`, "the token's header is not base64url"],
    ['an empty payload', `${header}..${FAKE_SIGNATURE}`, "the token's payload is not base64url"],
    [
      'a payload that is not JSON',
      `${header}.${Buffer.from('hello world').toString('base64url')}.${FAKE_SIGNATURE}`,
      "the token's payload is not JSON",
    ],
    [
      'a payload that is a JSON array',
      `${header}.${encodePart([1, 2])}.${FAKE_SIGNATURE}`,
      "the token's payload is not a JSON object",
    ],
    [
      'an unsigned token',
      `${encodePart({ alg: 'none' })}.${encodePart({})}.`,
      'the token is unsigned (alg "none"); Entra access tokens are always signed',
    ],
    ['missing claims', makeToken({}, ['aud', 'exp']), 'the token lacks the claims aud, exp: it is not an access token'],
    ['a numeric aud', makeToken({ aud: 42 }), "the token's aud claim is not a string"],
    ['a string exp', makeToken({ exp: 'tomorrow' }), "the token's exp claim is not a number of seconds"],
    // Issue 16: beyond ±8.64e12 s no JavaScript date exists ("Invalid time value" was an internal error).
    [
      'an exp beyond the range of dates',
      makeToken({ exp: 8.64e12 + 1 }),
      "the token's exp claim is outside the range of dates (±8.64e12 seconds)",
    ],
    [
      'an nbf far before the epoch',
      makeToken({ nbf: -1e300 }),
      "the token's nbf claim is outside the range of dates (±8.64e12 seconds)",
    ],
  ])('%s', (_name, input, message) => {
    expect(() => decodeJwt(input)).toThrow(new TokenError(message));
  });

  test('errors never quote the token', () => {
    const token = makeToken({ exp: 'x' });
    try {
      decodeJwt(token);
      throw new Error('expected a TokenError');
    } catch (thrown) {
      expect(String((thrown as Error).message)).not.toContain(token.split('.')[1]?.slice(0, 12));
    }
  });

  test('isoSeconds', () => {
    expect(isoSeconds(NOW_SECONDS)).toBe('2026-11-21T12:00:00Z');
  });
});
