//! giantstep-hermite (under construction).
