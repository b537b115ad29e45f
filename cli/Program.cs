using AttentionLego.Cli;

return await CliApp.RunAsync(args, new CliIo(Console.Out, Console.Error));
