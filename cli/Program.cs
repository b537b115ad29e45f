using AttentionLego.Cli;

using var interruption = Interruption.Listen(Console.Error);
return await CliApp.RunAsync(args, new CliIo(Console.Out, Console.Error), interruption);
