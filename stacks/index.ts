import { accessPath } from './program';

// `pulumi up -s <stack>` runs this file; `kvguard stack deploy <stack>` runs program.ts under Pulumi's mocks.
export = accessPath();
