//! giantstep-stieltjes (under construction).
