# Evaluated in every context before anything else is imported into it (SharedImports.java): each
# module's code is handed to the engine before the context loads it, so every context loads the
# one copy the engine keeps (SharedCode.java says why GraalPy alone would not share it).
def install(shared_code):
    import marshal
    from importlib.machinery import SourceFileLoader

    read = SourceFileLoader.get_data
    compile_source = SourceFileLoader.source_to_code

    def get_data(self, path):
        data = read(self, path)
        if path.endswith(".pyc"):
            shared_code.pinPyc(data)  # before importlib hands the bytes to marshal.loads
        return data

    def source_to_code(self, data, path, **options):
        code = compile_source(self, data, path, **options)
        try:
            marshalled = marshal.dumps(code)
        except Exception:
            return code  # not shared: the import goes on as it would without this hook
        if shared_code.pinMarshalled(marshalled):
            # The .pyc importlib writes next is made from this code, so its bytes are these.
            return marshal.loads(marshalled)
        return code

    SourceFileLoader.get_data = get_data
    SourceFileLoader.source_to_code = source_to_code


install
