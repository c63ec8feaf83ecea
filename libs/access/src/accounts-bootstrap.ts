import { Inject, Injectable } from '@nestjs/common';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { HUB_CONFIG, type HubConfig } from '@hub/config';
import type { Role } from './access-rules';
import { CredentialsRepository } from './credentials.repository';
import { hashPassword, randomPassword } from './password';

/** The province: every seeded division lies inside it. */
const EVERY_SEEDED_DIVISION = '500000';

/** The demo township and village (杜市镇, 梅湾村): among those with most residents in the demo data. */
export const DEMO_TOWNSHIP = '500116121';
export const DEMO_COMMUNITY = '500116121204';

/**
 * The demo data set's accounts, one per role, in the demo township and one of its communities.
 * Their passwords are public (README): the hub refuses to start with them in production.
 */
export const DEMO_USERS: {
  username: string;
  role: Role;
  divisionCode: string;
  displayName: string;
}[] = [
  {
    username: 'demo-admin',
    role: 'district-admin',
    divisionCode: '500116',
    displayName: '演示区级管理员',
  },
  {
    username: 'demo-township',
    role: 'township-staff',
    divisionCode: DEMO_TOWNSHIP,
    displayName: '演示镇街工作人员',
  },
  {
    username: 'demo-community',
    role: 'community-staff',
    divisionCode: DEMO_COMMUNITY,
    displayName: '演示社区工作人员',
  },
  {
    username: 'demo-grid',
    role: 'grid-worker',
    divisionCode: DEMO_COMMUNITY,
    displayName: '演示网格员',
  },
  {
    username: 'demo-reviewer',
    role: 'reviewer',
    divisionCode: '500116',
    displayName: '演示审核员',
  },
  { username: 'demo-operator', role: 'operator', divisionCode: '500116', displayName: '演示运维' },
];
export const DEMO_PASSWORD = 'demo-2026-jiangjin';

/** What start-up did about accounts, for the start log (never a password but the first admin's). */
export interface AccountsReport {
  createdAdmin?: { username: string; password: string; file: string };
  demoUsers: string[];
}

/**
 * Accounts at start: with no admin configured (no HUB_BOOTSTRAP_ADMIN_TOKEN and no active
 * district-admin), one is created and its credentials written once to a 0600 file in
 * HUB_DATA_DIR, so `npm start` gives a hub someone can log in to. With the demo data, the demo
 * accounts; in production the hub refuses to run with demo accounts at all.
 */
@Injectable()
export class AccountsBootstrap {
  constructor(
    @Inject(HUB_CONFIG) private readonly config: HubConfig,
    private readonly credentials: CredentialsRepository,
  ) {}

  async run(): Promise<AccountsReport> {
    if (this.config.env === 'production') {
      if (this.config.demo)
        throw new Error('HUB_DEMO must be off in production (demo accounts have public passwords)');
      const demo = await this.credentials.demoUsers();
      if (demo.length > 0)
        throw new Error(
          `demo accounts exist (${demo.join(', ')}): deactivate them before running in production`,
        );
    }
    const report: AccountsReport = { demoUsers: [] };
    if (!this.config.access.bootstrapAdminToken && !(await this.credentials.hasActiveAdmin()))
      report.createdAdmin = await this.createFirstAdmin();
    if (this.config.demo) report.demoUsers = await this.createDemoUsers();
    return report;
  }

  private async createFirstAdmin() {
    const password = randomPassword();
    let username = 'admin';
    for (let n = 2; ; n++) {
      const created = await this.credentials.createUser({
        username,
        passwordHash: await hashPassword(password),
        role: 'district-admin',
        divisionCode: EVERY_SEEDED_DIVISION,
        displayName: '管理员',
        demo: false,
        createdBy: 'hub start',
      });
      if (created) break;
      username = `admin${n}`;
    }
    mkdirSync(this.config.dataDir, { recursive: true });
    const file = join(this.config.dataDir, `${username}-credentials.txt`);
    writeFileSync(file, `username=${username}\npassword=${password}\n`, { mode: 0o600 });
    return { username, password, file };
  }

  private async createDemoUsers(): Promise<string[]> {
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const user of DEMO_USERS)
      await this.credentials.createUser({
        ...user,
        passwordHash,
        demo: true,
        createdBy: 'demo data',
      });
    return DEMO_USERS.map((u) => u.username);
  }
}
