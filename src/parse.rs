//! Parsers for the compact command-line notations: spike groups `u:pi[:gamma],...`, number
//! lists `1,-1`, complex points `x` or `x,y` (= `x + i y`) and grids `start:end:count`.
//! Every parser returns an [`Error::InvalidField`] naming the field it was given.

use crate::config::Group;
use crate::error::{Error, Result};
use num_complex::Complex64;

/// Parses one finite number.
pub fn parse_number(field: &str, s: &str) -> Result<f64> {
    let t = s.trim();
    let v: f64 = t
        .parse()
        .map_err(|_| Error::field(field, format!("`{t}` is not a number")))?;
    if !v.is_finite() {
        return Err(Error::field(field, format!("`{t}` is not finite")));
    }
    Ok(v)
}

/// Parses a comma-separated list of finite numbers (`"1,-1"`).
pub fn parse_list(field: &str, s: &str) -> Result<Vec<f64>> {
    if s.trim().is_empty() {
        return Err(Error::field(field, "empty list"));
    }
    s.split(',').map(|t| parse_number(field, t)).collect()
}

/// Parses spike groups `u:pi` or `u:pi:gamma`, comma separated (`"0.5:0.3,3:0.7"`).
/// `gamma` (the θ-rescaling of THEORY.md §2) defaults to 1.
pub fn parse_groups(field: &str, s: &str) -> Result<Vec<Group>> {
    if s.trim().is_empty() {
        return Err(Error::field(
            field,
            "empty group list (expected u:pi[,u:pi...])",
        ));
    }
    s.split(',')
        .enumerate()
        .map(|(i, g)| {
            let parts: Vec<&str> = g.split(':').collect();
            let name = format!("{field}[{i}]");
            if !(2..=3).contains(&parts.len()) {
                return Err(Error::field(
                    name,
                    format!("`{}` is not of the form u:pi or u:pi:gamma", g.trim()),
                ));
            }
            Ok(Group {
                u: parse_number(&format!("{name}.u"), parts[0])?,
                pi: parse_number(&format!("{name}.pi"), parts[1])?,
                gamma: match parts.get(2) {
                    Some(t) => parse_number(&format!("{name}.gamma"), t)?,
                    None => 1.0,
                },
            })
        })
        .collect()
}

/// Parses a complex point: `"x"` (real) or `"x,y"` (`x + i y`).
pub fn parse_complex(field: &str, s: &str) -> Result<Complex64> {
    let parts: Vec<&str> = s.split(',').collect();
    match parts.as_slice() {
        [re] => Ok(Complex64::new(parse_number(field, re)?, 0.0)),
        [re, im] => Ok(Complex64::new(
            parse_number(field, re)?,
            parse_number(field, im)?,
        )),
        _ => Err(Error::field(
            field,
            format!("`{s}` is not `x` or `x,y` (for x + iy)"),
        )),
    }
}

/// Largest number of grid points accepted by [`parse_grid`].
pub const MAX_GRID_POINTS: usize = 100_000;

/// Checks a grid given as points: 1 to [`MAX_GRID_POINTS`] finite values in non-decreasing
/// order (what [`parse_grid`] produces, and what the density sweep's continuation needs).
pub fn check_grid(field: &str, x: &[f64]) -> Result<()> {
    if x.is_empty() || x.len() > MAX_GRID_POINTS {
        return Err(Error::field(
            field,
            format!(
                "{} points; a grid has between 1 and {MAX_GRID_POINTS}",
                x.len()
            ),
        ));
    }
    if let Some(i) = x.iter().position(|v| !v.is_finite()) {
        return Err(Error::field(
            field,
            format!("point {i} is {} (not finite)", x[i]),
        ));
    }
    if let Some(i) = x.windows(2).position(|w| w[1] < w[0]) {
        return Err(Error::field(
            field,
            format!(
                "points must be non-decreasing: x[{}] = {} < x[{i}] = {}",
                i + 1,
                x[i + 1],
                x[i]
            ),
        ));
    }
    Ok(())
}

/// Parses a grid `start:end:count` into `count` equally spaced points (ends included).
pub fn parse_grid(field: &str, s: &str) -> Result<Vec<f64>> {
    let parts: Vec<&str> = s.split(':').collect();
    let [a, b, n] = parts.as_slice() else {
        return Err(Error::field(field, format!("`{s}` is not start:end:count")));
    };
    let a = parse_number(field, a)?;
    let b = parse_number(field, b)?;
    let n: usize = n
        .trim()
        .parse()
        .map_err(|_| Error::field(field, format!("count `{}` is not a whole number", n.trim())))?;
    if b <= a {
        return Err(Error::field(
            field,
            format!("end {b} must exceed start {a}"),
        ));
    }
    if !(b - a).is_finite() {
        return Err(Error::field(
            field,
            format!("width {a}..{b} overflows (not finite)"),
        ));
    }
    if !(2..=MAX_GRID_POINTS).contains(&n) {
        return Err(Error::field(
            field,
            format!("count {n} must be between 2 and {MAX_GRID_POINTS}"),
        ));
    }
    // (b - a) * (i / (n - 1)) stays below the finite width: no overflow for huge ends
    Ok((0..n)
        .map(|i| {
            if i == n - 1 {
                b
            } else {
                a + (b - a) * (i as f64 / (n - 1) as f64)
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_with_and_without_gamma() {
        let g = parse_groups("groups", "0.5:0.3,3:0.7:1.2").unwrap();
        assert_eq!(g.len(), 2);
        assert_eq!((g[0].u, g[0].pi, g[0].gamma), (0.5, 0.3, 1.0));
        assert_eq!((g[1].u, g[1].pi, g[1].gamma), (3.0, 0.7, 1.2));
    }

    #[test]
    fn bad_groups_name_the_field() {
        let e = parse_groups("groups", "0.5:x").unwrap_err().to_string();
        assert!(e.contains("groups[0].pi"), "{e}");
        let e = parse_groups("groups", "1").unwrap_err().to_string();
        assert!(e.contains("groups[0]"), "{e}");
    }

    #[test]
    fn complex_forms() {
        assert_eq!(
            parse_complex("z", "-0.5").unwrap(),
            Complex64::new(-0.5, 0.0)
        );
        assert_eq!(
            parse_complex("z", "1,0.3").unwrap(),
            Complex64::new(1.0, 0.3)
        );
        assert!(parse_complex("z", "1,2,3").is_err());
        assert!(parse_complex("z", "nan").is_err());
    }

    #[test]
    fn grid_ends_included() {
        let g = parse_grid("grid", "0:5:11").unwrap();
        assert_eq!(g.len(), 11);
        assert_eq!(g[0], 0.0);
        assert!((g[10] - 5.0).abs() < 1e-15);
        assert!((g[1] - 0.5).abs() < 1e-15);
        assert!(parse_grid("grid", "5:0:10").is_err());
        assert!(parse_grid("grid", "0:1:1000000000").is_err());
    }
}
