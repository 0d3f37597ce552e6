//! giantstep-spiked (under construction).
