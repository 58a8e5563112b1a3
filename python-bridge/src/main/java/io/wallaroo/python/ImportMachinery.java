package io.wallaroo.python;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Keeps Python's import machinery out of Truffle's compilation queue.
 *
 * <p>Starting a context imports a few hundred modules ({@code site}, encodings, the bridge, the
 * application), so importlib's own functions cross the compilation thresholds during start-up.
 * On a stock JDK there is one compiler thread on two cores and the Graal compiler is still cold
 * then: in word count's launches, compiling {@code _find_and_load_unlocked} and {@code find_spec}
 * took 7 s of that thread while the first traffic waited behind them, in the interpreter, for its
 * own functions to be compiled. After start-up these functions hardly run again (a module already
 * imported is found in {@code sys.modules} without them), so left out they cost an application
 * only that its later imports run in the interpreter, as every import before start-up did.
 *
 * <p>Truffle matches each entry as a substring of a call target's name, which for a Python
 * function is {@code <bytecode NAME at HASH>} with the function's plain name (a method's class is
 * not in it). Each entry is written as {@code <bytecode NAME } so that it matches that function
 * name exactly, and the names are ones only import machinery uses: a user's function of the same
 * name would never be compiled, so common method names ({@code parent}, {@code get_code}) are not
 * in the list even where importlib has them.
 */
final class ImportMachinery {
    /** importlib._bootstrap and importlib._bootstrap_external functions that run once per import. */
    static final List<String> FUNCTIONS = List.of(
            "_find_and_load_unlocked",
            "_find_and_load",
            "find_spec",               // PathFinder's, FileFinder's, and any meta path finder's
            "_find_spec",
            "_get_spec",
            "_load_unlocked",
            "_handle_fromlist",
            "_call_with_frames_removed",
            "_get_module_lock",
            "_init_module_attrs",
            "module_from_spec",
            "spec_from_file_location",
            "cache_from_source",
            "_classify_pyc",
            "_validate_timestamp_pyc",
            "_compile_bytecode",
            "_path_join",
            "_path_split",
            "_path_stat",
            "_verbose_message");

    /** The system property that sets the same engine option: a user's own value wins over ours. */
    static final String USER_PROPERTY = "polyglot.engine.CompileOnly";

    private ImportMachinery() {
    }

    /** The value of Truffle's {@code engine.CompileOnly} that excludes {@link #FUNCTIONS}. */
    static String compileOnlyExcludingImports() {
        return FUNCTIONS.stream().map(name -> "~<bytecode " + name + " ").collect(Collectors.joining(","));
    }

    /** True unless the user set {@code engine.CompileOnly} themselves (-Dpolyglot.engine.CompileOnly=...). */
    static boolean ours() {
        return System.getProperty(USER_PROPERTY) == null;
    }
}
