// Bolt's InstallationStore on paperboy's Store (`installations` namespace): OAuth installs survive restarts and replicas.
// @see https://docs.slack.dev/tools/bolt-js/concepts/authenticating-oauth
import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import type { DocumentNamespace } from "../../src/index.js";

/** "slack:team:T123" or "slack:enterprise:E123" (org-wide installs). */
export function installationKey(query: {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
  isEnterpriseInstall?: boolean | undefined;
}): string {
  if (query.isEnterpriseInstall === true && query.enterpriseId !== undefined)
    return `slack:enterprise:${query.enterpriseId}`;
  if (query.teamId !== undefined) return `slack:team:${query.teamId}`;
  throw new Error("a Slack installation needs a team id (or an enterprise id for org-wide installs)");
}

export interface SlackInstallationStore extends InstallationStore {
  /** The bot token and bot user of a workspace, for posting outside a request. */
  botFor(teamId: string): Promise<{ token: string; userId?: string } | undefined>;
  /** Drops a workspace's installation; true when there was one. */
  forget(teamId: string): Promise<boolean>;
}

export function createSlackInstallationStore(installations: DocumentNamespace): SlackInstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const key = installationKey({
        teamId: installation.team?.id,
        enterpriseId: installation.enterprise?.id,
        isEnterpriseInstall: installation.isEnterpriseInstall,
      });
      await installations.set(key, installation);
    },
    async fetchInstallation(query: InstallationQuery<boolean>) {
      const found = await installations.get<Installation>(installationKey(query));
      if (found === undefined)
        throw new Error(
          `paperboy is not installed in Slack workspace ${query.teamId ?? query.enterpriseId ?? "?"}`,
        );
      return found;
    },
    async deleteInstallation(query: InstallationQuery<boolean>) {
      await installations.delete(installationKey(query));
    },
    async botFor(teamId) {
      const found = await installations.get<Installation>(installationKey({ teamId }));
      const token = found?.bot?.token;
      if (token === undefined) return undefined;
      const userId = found?.bot?.userId;
      return userId === undefined ? { token } : { token, userId };
    },
    async forget(teamId) {
      return installations.delete(installationKey({ teamId }));
    },
  };
}
