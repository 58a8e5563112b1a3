package io.wallaroo.python;

/**
 * The application could not be loaded. {@link #getMessage()} is one line saying what to fix;
 * {@link #pythonTraceback()} is the Python traceback, when there is one.
 */
public final class ApplicationLoadException extends Exception {
    private final String kind;
    private final String traceback;

    public ApplicationLoadException(String kind, String message, String traceback) {
        super(message);
        this.kind = kind;
        this.traceback = traceback == null ? "" : traceback;
    }

    /** A short machine-readable cause, such as {@code module-not-found} or {@code invalid-topology}. */
    public String kind() {
        return kind;
    }

    public String pythonTraceback() {
        return traceback;
    }
}
