import { tokenLifetime } from '../../rules/token-lifetime';
import { healthyPath } from '../../src/fixtures/scenario';
import { NOW_SECONDS, makeToken } from '../token/make-token';
import { ruleTester } from '../support/rule-tester';

const path = healthyPath();
const vaultId = path.ids.vault;
const token = (nbf: number | undefined, exp: number) => ({ token: makeToken({ nbf, iat: nbf, exp }) });

ruleTester(tokenLifetime, [
  {
    name: 'valid now',
    resources: path.resources,
    caller: token(NOW_SECONDS - 600, NOW_SECONDS + 3000),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message:
          'token is valid from 2026-11-21T11:50:00Z until 2026-11-21T12:50:00Z, 50 min from now (2026-11-21T12:00:00Z)',
      },
    ],
  },
  {
    name: 'expired a minute ago, within the skew',
    resources: path.resources,
    caller: token(NOW_SECONDS - 3600, NOW_SECONDS - 60),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message:
          'token is valid from 2026-11-21T11:00:00Z until 2026-11-21T11:59:00Z only within the 300 s clock skew of now (2026-11-21T12:00:00Z): it is about to fail',
      },
    ],
  },
  {
    name: 'expired an hour ago',
    resources: path.resources,
    caller: token(NOW_SECONDS - 7200, NOW_SECONDS - 3600),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'token expired at 2026-11-21T11:00:00Z, 60 min before now (2026-11-21T12:00:00Z), beyond the 300 s clock skew: get a new token (SDK credentials refresh it; a token pasted into a config file does not)',
      },
    ],
  },
  {
    name: 'expired exactly at the skew',
    resources: path.resources,
    caller: token(NOW_SECONDS - 3600, NOW_SECONDS - 300),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'token expired at 2026-11-21T11:55:00Z, 5 min before now (2026-11-21T12:00:00Z), beyond the 300 s clock skew: get a new token (SDK credentials refresh it; a token pasted into a config file does not)',
      },
    ],
  },
  {
    name: 'not yet valid: the caller clock runs ahead',
    resources: path.resources,
    caller: token(NOW_SECONDS + 1800, NOW_SECONDS + 5400),
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          "token is not valid before 2026-11-21T12:30:00Z, 30 min after now (2026-11-21T12:00:00Z), beyond the 300 s clock skew: check the caller's clock",
      },
    ],
  },
  {
    name: 'a tighter skew from options',
    resources: path.resources,
    caller: token(NOW_SECONDS - 3600, NOW_SECONDS - 60),
    options: { skewSeconds: 30 },
    expected: [
      {
        outcome: 'fail',
        resourceId: vaultId,
        message:
          'token expired at 2026-11-21T11:59:00Z, 60 s before now (2026-11-21T12:00:00Z), beyond the 30 s clock skew: get a new token (SDK credentials refresh it; a token pasted into a config file does not)',
      },
    ],
  },
  {
    name: 'no nbf claim',
    resources: path.resources,
    caller: token(undefined, NOW_SECONDS + 600),
    expected: [
      {
        outcome: 'pass',
        resourceId: vaultId,
        message: 'token is valid until 2026-11-21T12:10:00Z, 10 min from now (2026-11-21T12:00:00Z)',
      },
    ],
  },
  {
    name: 'no token',
    resources: path.resources,
    expected: [
      {
        outcome: 'skipped',
        resourceId: vaultId,
        message: "no caller token given (kvguard token explain, or the caller profile's token)",
      },
    ],
  },
]);
