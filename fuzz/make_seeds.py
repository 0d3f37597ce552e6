#!/usr/bin/env python3
"""Writes the small seed corpus of every fuzz target (fuzz/corpus/<target>/seed-*).

The byte layouts follow the decoders of crates/fuzz-contracts/src/bytes.rs (`Bytes::f64`: tag 1 = special value
index, tag 2 = little-endian i16 / 256, tag 0 = raw f64 bits). Re-running rewrites the same
files (fixed random seed)."""
import os, random, struct

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(7)

def fx(v):  # fixed-point f64 (tag 2)
    return bytes([2]) + struct.pack('<h', int(round(v * 256)))

def sp(i):  # special value (tag 1), index into SPECIAL
    return bytes([1, i])

def raw(v):  # raw bits (tag 0)
    return bytes([0]) + struct.pack('<d', v)

def write(target, name, data):
    with open(os.path.join(HERE, 'corpus', target, 'seed-' + name), 'wb') as f:
        f.write(data)

# --- stieltjes_entry: mode, r, K, nodes, weights mode, d, e2 mode, e2, pi mode, psi, alpha,
#     then (z.re, z.im, warm) x (1 + mode % 3), then MP (z.re, z.im, gamma, sigma2, x)
def stieltjes(mode, r, nodes, d, e2, psi, alpha, zs, wmode=0, e2mode=1, pimode=0):
    k = len(nodes)
    out = bytes([mode, r, k]) + b''.join(fx(v) for v in nodes) + bytes([wmode])
    out += b''.join(fx(v) for v in d) + bytes([e2mode]) + b''.join(fx(v) for v in e2)
    out += bytes([pimode]) + fx(psi) + fx(alpha)
    for (re, im) in zs:
        out += fx(re) + fx(im) + bytes([0])
    out += fx(-1.0) + fx(0.5) + fx(0.5) + fx(1.0) + fx(1.0)
    return out

write('stieltjes_entry', 'mp-one-node', stieltjes(0, 1, [0.0], [0.0], [1.0], 0.5, 1.0, [(-0.5, 0.0)]))
write('stieltjes_entry', 'relu-u0', stieltjes(0, 1, [0.0], [0.5], [0.09], 1.5, 2.0, [(-0.5, 0.0)]))
write('stieltjes_entry', 'two-groups-3-nodes',
      stieltjes(1, 2, [-1.75, 0.0, 1.75], [0.4, 0.6, 0.5, 0.5, 0.6, 0.4],
                [0.1, 0.2, 0.1, 0.1, 0.2, 0.1], 1.5, 2.0, [(0.5, 0.5), (0.5, 0.25)], wmode=2))
write('stieltjes_entry', 'near-axis',
      stieltjes(2, 1, [-1.0, 1.0], [0.3, 0.7], [0.2, 0.2], 1.0, 1.0,
                [(0.5, 0.01), (0.5, 0.0039), (2.0, 0.0039)]))
write('stieltjes_entry', 'psi-gt-alpha', stieltjes(0, 1, [0.0], [0.5], [0.25], 20.0, 0.05, [(-0.0039, 0.0)]))
write('stieltjes_entry', 'zero-features', stieltjes(0, 1, [0.0], [0.0], [0.0], 1.0, 1.0, [(-1.0, 0.0)]))
write('stieltjes_entry', 'nan-node', bytes([0, 1, 1]) + sp(6) + bytes([0]) + fx(0.5) + bytes([1]) + fx(0.1) + bytes([0]) + fx(1) + fx(1) + fx(-1) + fx(0) + bytes([0]))
write('stieltjes_entry', 'inf-z', stieltjes(0, 1, [0.0], [0.5], [0.1], 1.0, 1.0, []) [:-5*3] )
write('stieltjes_entry', 'too-many-nodes', bytes([0, 1, 250]))
write('stieltjes_entry', 'activation-relu-u2', bytes([3, 2, 0, 0]) + fx(2.0) + fx(-2.0) + bytes([16]) + bytes([0]) + fx(1.5) + fx(2.0) + fx(0.5) + fx(0.5) + bytes([0]))
write('stieltjes_entry', 'activation-tanh-huge-u', bytes([3, 1, 0, 1]) + raw(1e300) + bytes([8]) + bytes([0]) + fx(1.0) + fx(1.0) + fx(-1.0) + fx(0.0) + bytes([0]))
write('stieltjes_entry', 'activation-over-limit', bytes([3, 1, 0, 0]) + fx(1.0) + bytes([251]))
for i in range(12):
    write('stieltjes_entry', f'random-{i:02}', bytes(rng.randrange(256) for _ in range(rng.randrange(8, 120))))

# --- hermite_entry: K, breakpoints, nodes/piece, cutoff, explicit rule, activation, k_max,
#     scale, method, shifts, recurrence
def hermite(k, act, k_max, scale, shifts, method=3, bps=(), npp=16, cutoff=12.0):
    out = bytes([k, len(bps)]) + b''.join(fx(v) for v in bps) + bytes([npp]) + fx(cutoff)
    out += bytes([1]) + fx(0.0) + bytes([0])  # explicit one-node rule
    out += act + bytes([k_max]) + fx(scale) + bytes([method])
    out += bytes([len(shifts)]) + b''.join(fx(v) for v in shifts) + bytes([200, 3]) + fx(2.0)
    return out

def builtin(i):
    return bytes([0, i])

for i, name in enumerate(['relu', 'tanh', 'erf', 'sigmoid', 'softplus', 'gelu', 'silu', 'abs', 'linear']):
    write('hermite_entry', f'{name}', hermite(20 + i, builtin(i), 4, 1.0, [0.0, 0.5, -2.0, 8.0]))
write('hermite_entry', 'hermite-poly', hermite(5, bytes([2, 3]) + fx(0) + fx(1) + fx(0.7071), 6, 0.5, [1.0, -1.0]))
write('hermite_entry', 'hermite-big-coeff', hermite(5, bytes([2, 2]) + raw(1e300) + raw(-1e300), 3, 2.0, [30.0]))
write('hermite_entry', 'gh-method', hermite(3, builtin(1), 4, 1.0, [0.1], method=1) )
write('hermite_entry', 'piecewise-method', hermite(3, builtin(0), 4, 1.0, [0.1], method=2))
write('hermite_entry', 'too-many-nodes', bytes([251]))
write('hermite_entry', 'kmax-over', hermite(2, builtin(0), 251, 1.0, [0.0]))
write('hermite_entry', 'nan-shift', hermite(2, builtin(1), 2, 1.0, []) [:-7] + bytes([1]) + sp(6) + bytes([10, 1]) + sp(7))
write('hermite_entry', 'bad-scale', hermite(2, builtin(0), 2, 0.0, [0.0]))
write('hermite_entry', 'raw-activation', bytes([1, 0, 16]) + fx(12) + bytes([0, 3, 9]) + b'hermite:1')
for i in range(10):
    write('hermite_entry', f'random-{i:02}', bytes(rng.randrange(256) for _ in range(rng.randrange(8, 120))))

# --- config_bytes: TOML and JSON texts
configs = {
    'default.toml': '',
    'groups.toml': 'activation = "relu"\npsi = 1.5\nalpha = 2.0\ngroups = [{ u = 0.5, pi = 0.3 }, { u = 3.0, pi = 0.7 }]\n',
    'eta.toml': 'activation = "tanh"\ntarget = "hermite:0,1,0.7071"\neta = 3.0\na_values = [1.0, -1.0]\n',
    'eta-probs.toml': 'eta = 2.0\na_values = [1.0, -1.0, 0.5]\na_probs = [0.2, 0.3, 0.5]\n',
    'bad-psi.toml': 'psi = -1.0\n',
    'nan.toml': 'psi = nan\nalpha = inf\n',
    'huge-d.toml': 'd = 10000000\n',
    'both.toml': 'eta = 1.0\ngroups = [{ u = 1.0, pi = 1.0 }]\n',
    'unknown.toml': 'psy = 1.0\n',
    'gamma.toml': 'groups = [{ u = 2.0, pi = 1.0, gamma = 1.5 }]\nlambda = 1e-6\n',
    'big-eta.toml': 'eta = 1e300\nactivation = "relu"\n',
    'hermite-big.toml': 'activation = "hermite:1e300,1e300,1e300"\neta = 1e10\n',
    'default.json': '{}',
    'full.json': '{"activation":"relu","target":"tanh","noise":0.1,"eta":3.0,"a_values":[1,-1],"psi":1.5,"alpha":2.0,"lambda":0.1,"d":600,"seeds":[1,2]}',
    'groups.json': '{"groups":[{"u":0.5,"pi":0.3},{"u":3,"pi":0.7}],"psi":0.5}',
    'bad-probs.json': '{"eta":1.0,"a_values":[1,-1],"a_probs":[0.5,0.6]}',
    'seeds-empty.json': '{"seeds":[]}',
    'tiny-ratio.json': '{"psi":1e-300,"alpha":1e300}',
    'unknown-activation.json': '{"activation":"relux"}',
    'many-groups.json': '{"groups":[' + ','.join('{"u":1,"pi":0.05}' for _ in range(20)) + ']}',
}
for name, text in configs.items():
    write('config_bytes', name, text.encode())

# --- cli_args: first byte = subcommand (0 show-config, 1 stieltjes, 2 density, 3 risk,
#     4 simulate spectrum, 5 none), then NUL-separated arguments
def cli(sub, *args):
    return bytes([sub]) + b'\0'.join(a.encode() for a in args)

clis = {
    'show': cli(0),
    'show-json': cli(0, '--json', '--psi', '2', '--alpha', '0.5'),
    'stieltjes': cli(1, '--z=-0.5'),
    'stieltjes-complex': cli(1, '--z', '1,0.3', '--activation', 'tanh', '--eta', '3'),
    'stieltjes-bad-z': cli(1, '--z', 'nan'),
    'stieltjes-zero': cli(1, '--z', '0'),
    'density-grid': cli(2, '--grid', '0:5:11'),
    'density-huge-grid': cli(2, '--grid', '-1e308:1e308:100'),
    'density-bad-grid': cli(2, '--grid', '5:0:10'),
    'risk-groups': cli(3, '--groups', '0.5:0.3,3:0.7:1.2', '--lambda', '1e-3'),
    'risk-bad-groups': cli(3, '--groups', '0.5:x'),
    'risk-conflict': cli(3, '--groups', '1:1', '--eta', '1'),
    'sim': cli(4, '--d', '100', '--seeds', '1,2,3', '--z', '-0.5;0.5,0.5'),
    'sim-huge-d': cli(4, '--d', '10000000'),
    'sim-bad-seed': cli(4, '--seed', '-1'),
    'help': cli(5, '--help'),
    'version': cli(5, '--version'),
    'unknown-sub': cli(5, 'frobnicate'),
    'a-values': cli(0, '--a-values', '1,-1,2', '--a-probs', '0.2,0.3,0.5', '--eta', '2'),
    'a-probs-bad': cli(0, '--a-values', '1,-1', '--a-probs', '0.9,0.9'),
    'config-dropped': cli(0, '--config', '/dev/zero'),
    'activation-hermite': cli(0, '--activation', 'hermite:' + ','.join(['1'] * 40)),
}
for name, data in clis.items():
    write('cli_args', name, data)

# --- risk_entry: mode (bit 0: explicit gammas; bits 1-2: quadrature 0 default, 1 Gauss-Hermite,
#     2 piecewise Legendre, 3 custom), sigma, target, r, pi mode, per group (u[, gamma]),
#     noise, psi, alpha, lambda, quadrature fields, lambda2, grid
def risk(sigma, target, us, noise, psi, alpha, lam, quad=0, gammas=None, qfields=b'',
         lam2=0.5, grid=(0.0, 1.0), pimode=0):
    mode = (quad << 1) | (1 if gammas is not None else 0)
    out = bytes([mode]) + sigma + target + bytes([len(us), pimode])
    for i, u in enumerate(us):
        out += fx(u) + (fx(gammas[i]) if gammas is not None else b'')
    out += fx(noise) + fx(psi) + fx(alpha) + fx(lam) + qfields + fx(lam2)
    out += bytes([len(grid)]) + b''.join(fx(v) for v in grid)
    return out

herm_target = bytes([2, 3]) + fx(0.0) + fx(1.0) + fx(0.7071)
write('risk_entry', 'relu-one-group', risk(builtin(0), herm_target, [3.0], 0.25, 0.5, 3.0, 0.1))
write('risk_entry', 'tanh-two-groups', risk(builtin(1), builtin(1), [0.5, 3.0], 0.1, 1.5, 2.0, 0.01, pimode=2))
write('risk_entry', 'gammas', risk(builtin(0), builtin(0), [1.5, -1.5], 0.0, 2.0, 1.0, 1e-3, gammas=[1.2, 0.8]))
write('risk_entry', 'gauss-hermite', risk(builtin(2), herm_target, [1.0], 0.1, 1.0, 1.0, 0.1, quad=1, qfields=bytes([24])))
write('risk_entry', 'piecewise', risk(builtin(5), builtin(7), [2.0], 0.1, 1.0, 4.0, 0.1, quad=2,
                                       qfields=bytes([6]) + fx(6.0) + bytes([1]) + fx(0.5)))
write('risk_entry', 'custom-rule', risk(builtin(0), builtin(8), [1.0], 0.0, 0.5, 0.5, 1.0, quad=3,
                                         qfields=bytes([3]) + fx(-1.0) + fx(0.0) + fx(1.0) + bytes([2, 1, 2, 1])))
write('risk_entry', 'interpolation', risk(builtin(0), builtin(0), [2.0], 0.5, 1.0, 1.0, 1e-6))
write('risk_entry', 'nan-spike', risk(builtin(0), builtin(0), [0.0], 0.1, 1.0, 1.0, 0.1)[:-20] + sp(6))
write('risk_entry', 'zero-lambda', risk(builtin(3), builtin(3), [1.0], 0.1, 1.0, 1.0, 0.0))
write('risk_entry', 'subnormal-lambda', risk(builtin(0), herm_target, [1.0], 0.1, 1.0, 1.0, 0.0)[:-11] + raw(5e-324) + fx(0.5) + bytes([0]))
write('risk_entry', 'too-many-groups', bytes([0]) + builtin(0) + builtin(0) + bytes([251, 0]))
write('risk_entry', 'gh-over-limit', risk(builtin(0), builtin(0), [1.0], 0.1, 1.0, 1.0, 0.1, quad=1, qfields=bytes([251])))
write('risk_entry', 'huge-hermite-target', risk(builtin(0), bytes([2, 2]) + raw(1e300) + raw(1e300), [1.0], 0.1, 1.0, 1.0, 0.1))
for i in range(6):
    write('risk_entry', f'random-{i:02}', bytes(rng.randrange(256) for _ in range(rng.randrange(8, 120))))
