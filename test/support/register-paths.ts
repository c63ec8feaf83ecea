// Jest applies moduleNameMapper inside test files only; globalSetup runs as plain Node, so the
// @hub/* aliases are registered here, before anything imports them.
import { register } from 'tsconfig-paths';
import { resolve } from 'node:path';
import { compilerOptions } from '../../tsconfig.json';

register({ baseUrl: resolve(__dirname, '../..'), paths: compilerOptions.paths });
