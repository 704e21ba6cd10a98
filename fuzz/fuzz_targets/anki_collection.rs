#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| grill_fuzz::anki_collection(data));
