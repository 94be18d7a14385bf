/**
 * Points this process's managed identity at an emulator, as App Service does for a real app:
 * `DefaultAzureCredential` → `ManagedIdentityCredential` reads IDENTITY_ENDPOINT / IDENTITY_HEADER
 * (https://learn.microsoft.com/azure/app-service/overview-managed-identity#rest-endpoint-reference).
 * Returns a function that puts the environment back as it was.
 */
export function useEmulatorIdentity(target: { identityEndpoint: string; identityHeader: string }): () => void {
  const saved = { IDENTITY_ENDPOINT: process.env.IDENTITY_ENDPOINT, IDENTITY_HEADER: process.env.IDENTITY_HEADER };
  process.env.IDENTITY_ENDPOINT = target.identityEndpoint;
  process.env.IDENTITY_HEADER = target.identityHeader;
  return () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
}
