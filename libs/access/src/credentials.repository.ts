import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';

export interface ClientRow {
  id: string;
  name: string;
  feeds: string[];
  scopes: string[];
  divisionCode: string | null;
  createdBy: string;
  createdAt: Date;
  rotatedAt: Date | null;
  revokedAt: Date | null;
}

export interface UserRow {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
  divisionCode: string;
  displayName: string | null;
  active: boolean;
  demo: boolean;
}

const CLIENT = `id, name, feeds, scopes, division_code AS "divisionCode", created_by AS "createdBy",
                created_at AS "createdAt", rotated_at AS "rotatedAt", revoked_at AS "revokedAt"`;
const USER = `id, username, password_hash AS "passwordHash", role, division_code AS "divisionCode",
              display_name AS "displayName", active, demo`;

/** api_client and staff_user: the credentials the hub checks. */
@Injectable()
export class CredentialsRepository {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async clientByKeyHash(keyHash: string): Promise<ClientRow | undefined> {
    const [row] = await this.db.query<ClientRow[]>(
      `SELECT ${CLIENT} FROM api_client WHERE key_hash = $1 AND revoked_at IS NULL`,
      [keyHash],
    );
    return row;
  }

  /** undefined when the name is taken. */
  async createClient(client: {
    name: string;
    feeds: string[];
    scopes: string[];
    divisionCode: string | null;
    keyHash: string;
    createdBy: string;
  }): Promise<ClientRow | undefined> {
    const [row] = await this.db.query<ClientRow[]>(
      `INSERT INTO api_client (name, feeds, scopes, division_code, key_hash, created_by)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (name) DO NOTHING RETURNING ${CLIENT}`,
      [
        client.name,
        client.feeds,
        client.scopes,
        client.divisionCode,
        client.keyHash,
        client.createdBy,
      ],
    );
    return row;
  }

  listClients(): Promise<ClientRow[]> {
    return this.db.query(`SELECT ${CLIENT} FROM api_client ORDER BY created_at, id`);
  }

  /** The client with its new key, unless it does not exist or was revoked. */
  async rotateClientKey(id: string, keyHash: string): Promise<ClientRow | undefined> {
    const [rows] = await this.db.query<[ClientRow[], number]>(
      `UPDATE api_client SET key_hash = $2, rotated_at = now()
        WHERE id = $1 AND revoked_at IS NULL RETURNING ${CLIENT}`,
      [id, keyHash],
    );
    return rows[0];
  }

  async revokeClient(id: string): Promise<ClientRow | undefined> {
    const [rows] = await this.db.query<[ClientRow[], number]>(
      `UPDATE api_client SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 RETURNING ${CLIENT}`,
      [id],
    );
    return rows[0];
  }

  async userByName(username: string): Promise<UserRow | undefined> {
    const [row] = await this.db.query<UserRow[]>(
      `SELECT ${USER} FROM staff_user WHERE username = $1`,
      [username],
    );
    return row;
  }

  async userById(id: string): Promise<UserRow | undefined> {
    const [row] = await this.db.query<UserRow[]>(`SELECT ${USER} FROM staff_user WHERE id = $1`, [
      id,
    ]);
    return row;
  }

  /** undefined when the username is taken. */
  async createUser(user: {
    username: string;
    passwordHash: string;
    role: string;
    divisionCode: string;
    displayName: string | null;
    demo: boolean;
    createdBy: string;
  }): Promise<Omit<UserRow, 'passwordHash'> | undefined> {
    const [row] = await this.db.query<UserRow[]>(
      `INSERT INTO staff_user (username, password_hash, role, division_code, display_name, demo, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (username) DO NOTHING RETURNING ${USER}`,
      [
        user.username,
        user.passwordHash,
        user.role,
        user.divisionCode,
        user.displayName,
        user.demo,
        user.createdBy,
      ],
    );
    if (!row) return undefined;
    const { passwordHash, ...rest } = row;
    void passwordHash; // never leaves the repository
    return rest;
  }

  async listUsers(): Promise<Omit<UserRow, 'passwordHash'>[]> {
    return this.db.query(
      `SELECT id, username, role, division_code AS "divisionCode", display_name AS "displayName", active, demo
         FROM staff_user ORDER BY username`,
    );
  }

  async setUserActive(id: string, active: boolean): Promise<boolean> {
    const [, count] = await this.db.query<[unknown, number]>(
      `UPDATE staff_user SET active = $2 WHERE id = $1`,
      [id, active],
    );
    return count > 0;
  }

  async hasActiveAdmin(): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM staff_user WHERE role = 'district-admin' AND active) AS found`,
    );
    return row.found;
  }

  async demoUsers(): Promise<string[]> {
    const rows = await this.db.query<{ username: string }[]>(
      `SELECT username FROM staff_user WHERE demo AND active ORDER BY username`,
    );
    return rows.map((r) => r.username);
  }

  async divisionExists(code: string): Promise<boolean> {
    const [row] = await this.db.query<{ found: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM place WHERE code = $1 AND level <> 'address') AS found`,
      [code],
    );
    return row.found;
  }
}
