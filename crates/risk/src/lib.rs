//! giantstep-risk (under construction).
