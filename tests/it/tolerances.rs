//! One test per reading tolerance of SPEC §4 and per finding code of §5, on workbooks
//! the tests write.
