import { error, fail, pass, skip } from '../src/engine/result';
import type { Rule } from '../src/engine/types';
import { accessPolicyDecision, rbacDecision } from '../src/checks/rbac';
import { knownOperations, parseOperation } from '../src/model/operations';

export interface CallerDataPermissionOptions {
  /** The data-plane operation the caller performs, as access policies name it: `secrets/get`, `keys/decrypt`. */
  operation: string;
}

/**
 * A 403 with the network path open means the caller's identity lacks the data permission. With the access
 * policy model the vault's access policies decide (ForbiddenByPolicy); with the RBAC model, role assignments
 * at the vault or any scope above it and their definitions' dataActions / notDataActions (ForbiddenByRbac).
 * Managed HSMs use local RBAC, which ARM does not show, so the rule does not apply to them.
 * https://learn.microsoft.com/azure/key-vault/general/rest-error-codes#http-403-insufficient-permissions
 */
export const callerDataPermission: Rule<CallerDataPermissionOptions> = {
  meta: {
    id: 'KV404',
    name: 'caller-data-permission',
    title: 'The caller identity holds the data permission the operation needs, per the vault permission model',
    severity: 'error',
    link: 'identity',
    appliesTo: ['vault'],
    remediation:
      'Grant the permission: az role assignment create --role "Key Vault Secrets User" --assignee-object-id <oid> --scope <vault id> (RBAC), or az keyvault set-policy --object-id <oid> --secret-permissions get (access policies)',
    optionsSchema: {
      type: 'object',
      properties: {
        operation: {
          type: 'string',
          pattern: '^(secrets|keys|certificates)/[A-Za-z]+$',
          description:
            'The data-plane operation, as access policies name it: secrets/get, keys/decrypt, keys/unwrapKey.',
        },
      },
      additionalProperties: false,
    },
  },
  defaults: { operation: 'secrets/get' },
  check({ estate, vault, caller, options }) {
    const identity = caller.identity;
    if (!identity?.objectId)
      return [skip(vault.id, 'no caller identity given (object id of the user, group or service principal)')];
    const operation = parseOperation(options.operation);
    if (!operation)
      return [error(vault.id, `unknown operation ${options.operation}; known: ${knownOperations().join(', ')}`)];
    const decision =
      vault.enableRbacAuthorization === true
        ? rbacDecision(estate, vault, identity, operation)
        : accessPolicyDecision(vault, identity, operation);
    const report = decision.outcome === 'pass' ? pass : decision.outcome === 'fail' ? fail : error;
    return [
      report(vault.id, decision.message, {
        model: vault.enableRbacAuthorization === true ? 'rbac' : 'accessPolicy',
        operation: operation.name,
        dataAction: operation.dataAction,
      }),
    ];
  },
};
