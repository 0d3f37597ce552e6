use giantstep_hermite::Activation;
use giantstep_risk::{Group, KappaQuadrature, RiskProblem};
fn main() {
    let t = Activation::Hermite(vec![0.0, 0.0, 1.0]);
    let mut p = RiskProblem::new(Activation::Relu, t, 0.0, vec![Group::plain(3.0, 1.0)], 1.0, 1.0, 0.1);
    for npp in [10, 20, 40] {
        for cutoff in [10.0, 14.0] {
        p.quadrature = KappaQuadrature::PiecewiseLegendre { nodes_per_piece: npp, cutoff, extra_breakpoints: vec![] };
        for lam in [1e-4, 1e-5, 1e-6, 1e-7] {
            p.lambda = lam;
            match p.solve() { Ok(r) => {
                let dmax = r.spectral.delta.iter().cloned().fold(0.0, f64::max);
                let dmin = r.spectral.delta.iter().cloned().fold(1e300, f64::min);
                println!("npp {npp} L {cutoff} lam {lam}: gen {:.6} rho {:.8} dec {:?} q {:?} delta [{dmin:.3e},{dmax:.3e}]", r.e_gen, r.spectral_radius, r.decomposition, r.spectral.q)}, Err(e) => println!("err {e}") }
        }
        }
    }
}
