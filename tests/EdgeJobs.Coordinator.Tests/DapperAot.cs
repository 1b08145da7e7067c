[module: Dapper.DapperAot]
