import { PolicyPack } from '@pulumi/policy';
import { kvguardPolicies } from '../src/pulumi/policies';

// Nothing else lives here: `new PolicyPack` starts the analyzer's gRPC server and never returns.
new PolicyPack('kvguard', { policies: kvguardPolicies() });
