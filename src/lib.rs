//! giantstep: integration of the kernels.
