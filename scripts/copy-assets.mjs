// Files the compiled server reads beside its modules, which tsc does not
// copy: the Redis Lua scripts. After this, dist/ runs without src/.
import { cpSync } from 'node:fs';

cpSync('src/store/redis/lua', 'dist/src/store/redis/lua', { recursive: true });
