import * as grpc from '@grpc/grpc-js';
import * as analyzerGrpc from '@pulumi/pulumi/proto/analyzer_grpc_pb';
import * as analyzer from '@pulumi/pulumi/proto/analyzer_pb';
import { Empty } from 'google-protobuf/google/protobuf/empty_pb';
import { Struct } from 'google-protobuf/google/protobuf/struct_pb';
import { marshalProperties, unmarshalValue, type PropertyMap } from './marshal';

/**
 * The engine's side of `pulumirpc.Analyzer`, in the order the CLI calls it (pulumi/pulumi
 * pkg/resource/plugin/analyzer_plugin.go and pkg/resource/deploy/step_generator.go): Handshake (an
 * Unimplemented answer is accepted), ConfigureStack, GetAnalyzerInfo, GetPluginInfo, Configure with the
 * reconciled policy config (pkg/resource/analyzer/config.go ReconcilePolicyPackConfig: each policy's
 * default level and schema defaults, then `all`, then per-policy values), then per resource Remediate and
 * Analyze on its inputs, and AnalyzeStack once on every resource's outputs with parent, dependencies and
 * propertyDependencies.
 */
export interface EngineResource {
  urn: string;
  type: string;
  name: string;
  parent: string;
  dependencies: string[];
  propertyDependencies: Record<string, string[]>;
  /** What Analyze and Remediate receive (the checked inputs). */
  inputs: PropertyMap;
  /** What AnalyzeStack receives (outputs after `up`, planned outputs in a preview). */
  outputs: PropertyMap;
}

export interface Diagnostic {
  policy: string;
  level: 'advisory' | 'mandatory' | 'remediate' | 'disabled';
  urn: string;
  message: string;
}

export interface Remediated {
  policy: string;
  urn: string;
  properties: PropertyMap;
}

export interface PhaseResult {
  /** Analyze and AnalyzeStack diagnostics, in the order the engine received them. */
  diagnostics: Diagnostic[];
  remediations: Remediated[];
  /** `policy: reason` from AnalyzeStack's notApplicable list. */
  notApplicable: string[];
}

export type PackConfig = Record<string, string | ({ enforcementLevel?: string } & Record<string, unknown>)>;

const LEVELS: Record<number, Diagnostic['level']> = {
  [analyzer.EnforcementLevel.ADVISORY]: 'advisory',
  [analyzer.EnforcementLevel.MANDATORY]: 'mandatory',
  [analyzer.EnforcementLevel.DISABLED]: 'disabled',
  [analyzer.EnforcementLevel.REMEDIATE]: 'remediate',
};
const LEVEL_CODES: Record<string, analyzer.EnforcementLevel> = {
  advisory: analyzer.EnforcementLevel.ADVISORY,
  mandatory: analyzer.EnforcementLevel.MANDATORY,
  disabled: analyzer.EnforcementLevel.DISABLED,
  remediate: analyzer.EnforcementLevel.REMEDIATE,
};

type Callback<Res> = (error: grpc.ServiceError | null, response: Res) => void;

function call<Res>(invoke: (callback: Callback<Res>) => unknown): Promise<Res> {
  return new Promise((resolve, reject) => invoke((error, response) => (error ? reject(error) : resolve(response))));
}

export interface PolicyInfo {
  name: string;
  level: Diagnostic['level'];
  type: 'resource' | 'stack' | 'unknown';
  description: string;
  defaults: Record<string, unknown>;
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  displayName: string;
  description: string;
  provider: string;
  tags: string[];
  repository: string;
  policies: PolicyInfo[];
}

export class EngineClient {
  private readonly client: analyzerGrpc.AnalyzerClient;

  constructor(port: number) {
    this.client = new analyzerGrpc.AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  close(): void {
    this.client.close();
  }

  /** Handshake, ConfigureStack, GetAnalyzerInfo, GetPluginInfo and Configure, as the engine starts a pack. */
  async start(options: {
    packDir: string;
    project: string;
    stack: string;
    dryRun: boolean;
    config: PackConfig;
  }): Promise<AnalyzerInfo> {
    const handshake = new analyzer.AnalyzerHandshakeRequest();
    handshake.setEngineAddress('127.0.0.1:0');
    handshake.setRootDirectory(options.packDir);
    handshake.setProgramDirectory(options.packDir);
    try {
      await call<analyzer.AnalyzerHandshakeResponse>((cb) => this.client.handshake(handshake, cb));
    } catch (thrown) {
      if ((thrown as grpc.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw thrown;
    }
    const stack = new analyzer.AnalyzerStackConfigureRequest();
    stack.setStack(options.stack);
    stack.setProject(options.project);
    stack.setDryRun(options.dryRun);
    await call<analyzer.AnalyzerStackConfigureResponse>((cb) => this.client.configureStack(stack, cb));
    const info = await this.info();
    await call<unknown>((cb) => this.client.getPluginInfo(new Empty(), cb));
    await this.configure(info, options.config);
    return info;
  }

  async info(): Promise<AnalyzerInfo> {
    const response = await call<analyzer.AnalyzerInfo>((cb) => this.client.getAnalyzerInfo(new Empty(), cb));
    return {
      name: response.getName(),
      version: response.getVersion(),
      displayName: response.getDisplayname(),
      description: response.getDescription(),
      provider: response.getProvider(),
      tags: response.getTagsList(),
      repository: response.getRepository(),
      policies: response.getPoliciesList().map((p) => {
        const schema = (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
          string,
          { default?: unknown }
        >;
        return {
          name: p.getName(),
          level: LEVELS[p.getEnforcementlevel()] ?? 'advisory',
          type:
            p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_RESOURCE
              ? 'resource'
              : p.getPolicyType() === analyzer.PolicyType.POLICY_TYPE_STACK
                ? 'stack'
                : 'unknown',
          description: p.getDescription(),
          defaults: Object.fromEntries(
            Object.entries(schema)
              .filter(([, s]) => s.default !== undefined)
              .map(([k, s]) => [k, s.default]),
          ),
        };
      }),
    };
  }

  private async configure(info: AnalyzerInfo, config: PackConfig): Promise<void> {
    const request = new analyzer.ConfigureAnalyzerRequest();
    const all = config.all;
    const allLevel = typeof all === 'string' ? all : all?.enforcementLevel;
    for (const policy of info.policies) {
      const given = config[policy.name];
      const level = (typeof given === 'string' ? given : given?.enforcementLevel) ?? allLevel ?? policy.level;
      const { enforcementLevel: _level, ...properties } = typeof given === 'object' ? given : {};
      const entry = new analyzer.PolicyConfig();
      entry.setEnforcementlevel(LEVEL_CODES[level] ?? analyzer.EnforcementLevel.ADVISORY);
      entry.setProperties(Struct.fromJavaScript({ ...policy.defaults, ...properties } as never));
      request.getPolicyconfigMap().set(policy.name, entry);
    }
    await call<unknown>((cb) => this.client.configure(request, cb));
  }

  /** One preview or update: Remediate and Analyze per resource (registration order), then AnalyzeStack. */
  async run(resources: readonly EngineResource[]): Promise<PhaseResult> {
    const diagnostics: Diagnostic[] = [];
    const remediations: Remediated[] = [];
    for (const resource of resources) {
      const request = this.analyzeRequest(resource.inputs, resource);
      const remediated = await call<analyzer.RemediateResponse>((cb) => this.client.remediate(request, cb));
      // Analyze sees the remediated inputs (step_generator.go: "first we perform remediations, and *then* we
      // do analysis, since we want analyzers to run on the final resource states").
      let inputs = resource.inputs;
      for (const r of remediated.getRemediationsList()) {
        const properties = unmarshalValue(r.getProperties()?.toJavaScript() ?? {}) as PropertyMap;
        remediations.push({ policy: r.getPolicyname(), urn: resource.urn, properties });
        inputs = properties;
      }
      const analyze = this.analyzeRequest(inputs, resource);
      const response = await call<analyzer.AnalyzeResponse>((cb) => this.client.analyze(analyze, cb));
      diagnostics.push(...response.getDiagnosticsList().map((d) => diagnosticOf(d, resource.urn)));
    }
    const stack = new analyzer.AnalyzeStackRequest();
    stack.setResourcesList(resources.map((r) => this.stackResource(r)));
    const response = await call<analyzer.AnalyzeResponse>((cb) => this.client.analyzeStack(stack, cb));
    diagnostics.push(...response.getDiagnosticsList().map((d) => diagnosticOf(d, '')));
    const notApplicable = response.getNotApplicableList().map((n) => `${n.getPolicyName()}: ${n.getReason()}`);
    return { diagnostics, remediations, notApplicable };
  }

  private analyzeRequest(inputs: PropertyMap, resource: EngineResource): analyzer.AnalyzeRequest {
    const request = new analyzer.AnalyzeRequest();
    request.setUrn(resource.urn);
    request.setType(resource.type);
    request.setName(resource.name);
    request.setProperties(Struct.fromJavaScript(marshalProperties(inputs) as never));
    request.setOptions(options(resource));
    return request;
  }

  private stackResource(resource: EngineResource): analyzer.AnalyzerResource {
    const message = new analyzer.AnalyzerResource();
    message.setUrn(resource.urn);
    message.setType(resource.type);
    message.setName(resource.name);
    message.setProperties(Struct.fromJavaScript(marshalProperties(resource.outputs) as never));
    message.setOptions(options(resource));
    message.setParent(resource.parent);
    message.setDependenciesList(resource.dependencies);
    for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
      // The engine skips properties with no dependencies (analyzer_plugin.go AnalyzeStack).
      if (urns.length === 0) continue;
      const deps = new analyzer.AnalyzerPropertyDependencies();
      deps.setUrnsList(urns);
      message.getPropertydependenciesMap().set(key, deps);
    }
    return message;
  }
}

function options(resource: EngineResource): analyzer.AnalyzerResourceOptions {
  const opts = new analyzer.AnalyzerResourceOptions();
  opts.setParent(resource.parent);
  opts.setProtect(false);
  return opts;
}

function diagnosticOf(d: analyzer.AnalyzeDiagnostic, urn: string): Diagnostic {
  return {
    policy: d.getPolicyname(),
    level: LEVELS[d.getEnforcementlevel()] ?? 'advisory',
    // A resource policy's violation carries no URN: the engine reports it on the analyzed resource.
    urn: d.getUrn() || urn,
    message: d.getMessage(),
  };
}
