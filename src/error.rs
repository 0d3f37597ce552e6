//! The one error type of the integration package: every failure a user can cause (bad
//! configuration, unreadable file, kernel refusing its input, failed plot) becomes a value of
//! [`Error`] whose `Display` is a readable one-line message naming what is wrong.

use std::path::PathBuf;

/// Errors of the `giantstep` experiments, configuration, report and CLI.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A field of the experiment description is invalid; `field` names it as in the
    /// configuration file (and the CLI flag of the same name).
    #[error("invalid `{field}`: {message}")]
    InvalidField {
        /// Field name (`psi`, `groups[1].pi`, `a_probs`, ...).
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// A configuration file could not be parsed.
    #[error("could not parse config file `{path}`: {message}")]
    ConfigParse {
        /// The file.
        path: PathBuf,
        /// Parser message (already one line).
        message: String,
    },
    /// Reading or writing a file failed.
    #[error("{action} `{path}`: {source}")]
    Io {
        /// What was being done (`could not write`, `could not read`, ...).
        action: &'static str,
        /// The file or directory.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A numerical kernel rejected its input as invalid (a point outside the domain, a
    /// table of the wrong size, a request above a documented limit).
    #[error("{kernel}: {message}")]
    InvalidInput {
        /// Which kernel (`hermite`, `spiked`, `stieltjes`, `risk`).
        kernel: &'static str,
        /// The kernel's own error message.
        message: String,
    },
    /// An iterative kernel solver stopped before its tolerance was met.
    #[error("{kernel}: {message}")]
    NotConverged {
        /// Which kernel (`stieltjes`, `risk`, `hermite`).
        kernel: &'static str,
        /// The kernel's own error message.
        message: String,
        /// Residual at the last iterate.
        residual: f64,
        /// Iterations performed.
        iterations: usize,
    },
    /// A numerical kernel failed on valid input (singular system, wrong branch, overflow).
    #[error("{kernel}: {message}")]
    Kernel {
        /// Which kernel (`hermite`, `spiked`, `stieltjes`, `risk`).
        kernel: &'static str,
        /// The kernel's own error message.
        message: String,
    },
    /// Rendering a figure failed.
    #[error("could not draw figure `{name}`: {message}")]
    Plot {
        /// Figure name.
        name: String,
        /// Backend message.
        message: String,
    },
}

impl Error {
    /// An [`Error::InvalidField`] for `field`.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidField {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Wraps a kernel error, keeping its message on one line.
    pub fn kernel(kernel: &'static str, err: impl std::fmt::Display) -> Self {
        Error::Kernel {
            kernel,
            message: one_line(&err.to_string()),
        }
    }

    /// Wraps an error of `giantstep-stieltjes`, keeping its category: non-convergence
    /// (with residual and iterations) and invalid input get their own variants.
    pub fn stieltjes(err: giantstep_stieltjes::StieltjesError) -> Self {
        use giantstep_stieltjes::StieltjesError as E;
        let kernel = "stieltjes";
        match err {
            E::NotConverged {
                residual,
                iterations,
            } => Self::not_converged(kernel, &err, residual, iterations),
            E::InvalidParameter { .. }
            | E::InvalidEntry { .. }
            | E::NotNormalized { .. }
            | E::LengthMismatch { .. }
            | E::TooLarge { .. }
            | E::InvalidZ { .. } => Self::invalid_input(kernel, &err),
            _ => Self::kernel(kernel, err),
        }
    }

    /// Wraps an error of `giantstep-risk`, keeping its category (see [`Error::stieltjes`]).
    pub fn risk(err: giantstep_risk::RiskError) -> Self {
        use giantstep_risk::RiskError as E;
        let kernel = "risk";
        match err {
            E::NotConverged {
                residual,
                iterations,
                ..
            } => Self::not_converged(kernel, &err, residual, iterations),
            E::BadLambda(_)
            | E::BadRatio { .. }
            | E::BadNoise(_)
            | E::BadGroups(_)
            | E::BadInput(_)
            | E::TooLarge { .. } => Self::invalid_input(kernel, &err),
            _ => Self::kernel(kernel, err),
        }
    }

    /// Wraps an error of `giantstep-hermite`, keeping its category (see [`Error::stieltjes`]).
    pub fn hermite(err: giantstep_hermite::HermiteError) -> Self {
        use giantstep_hermite::HermiteError as E;
        let kernel = "hermite";
        match err {
            E::NotConverged {
                residual,
                iterations,
            } => Self::not_converged(kernel, &err, residual, iterations),
            E::ZeroNodes
            | E::TooManyNodes { .. }
            | E::KMaxTooLarge { .. }
            | E::InvalidScale(_)
            | E::InvalidCutoff { .. }
            | E::InvalidRule(_)
            | E::UnknownActivation { .. }
            | E::ParseActivation { .. }
            // a non-finite input, or a result that overflows for the given input
            | E::NonFinite { .. } => Self::invalid_input(kernel, &err),
            _ => Self::kernel(kernel, err),
        }
    }

    fn invalid_input(kernel: &'static str, err: &dyn std::fmt::Display) -> Self {
        Error::InvalidInput {
            kernel,
            message: one_line(&err.to_string()),
        }
    }

    fn not_converged(
        kernel: &'static str,
        err: &dyn std::fmt::Display,
        residual: f64,
        iterations: usize,
    ) -> Self {
        Error::NotConverged {
            kernel,
            message: one_line(&err.to_string()),
            residual,
            iterations,
        }
    }

    /// An [`Error::Io`].
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }
}

/// Collapses a possibly multi-line message into one line.
pub(crate) fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Result alias of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;
