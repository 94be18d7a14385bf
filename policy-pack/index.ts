import * as fs from 'node:fs';
import * as path from 'node:path';
import { PolicyPack } from '@pulumi/policy';
import { kvguardPolicies } from '../src/pulumi/policies';
import { REPOSITORY_URL } from '../src/engine/docs';

// Compiled into bin/ with the rules and the adapter (npm run build): at run time nothing outside this folder
// is imported. The metadata is what Pulumi's own packs carry (PolicyPackArgs: displayName, description,
// provider, tags, repository, readme). `new PolicyPack` starts the analyzer's gRPC server and never returns.
const readme = path.join(__dirname, '..', '..', 'README.md');
new PolicyPack('kvguard', {
  displayName: 'kvguard: Azure Key Vault access paths',
  description:
    'Every link of the access path to Azure Key Vault (private endpoint, DNS zone and records, firewall, vault settings), checked with the kvguard rules',
  provider: 'azure',
  tags: ['azure', 'key-vault', 'private-link', 'dns', 'network'],
  repository: REPOSITORY_URL,
  readme: fs.existsSync(readme) ? fs.readFileSync(readme, 'utf8') : undefined,
  policies: kvguardPolicies(),
});
